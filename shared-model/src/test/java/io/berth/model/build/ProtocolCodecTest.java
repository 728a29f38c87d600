package io.berth.model.build;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtocolCodecTest {
    private final ProtocolCodec codec = new ProtocolCodec("a-cluster-secret-of-some-length");

    @Test
    void everyMessageSurvivesTheRoundTrip() throws Exception {
        var job = new BuildJob("b-1", "127.0.0.1:5000", "alice/app", new BuildSource.Archive("http://h/f?sig=x"),
                "/sub/", "./Dockerfile", List.of("1", "latest"),
                new RegistryCredentials("127.0.0.1:5000", "alice", "pw"), "jwt");
        List<BuildMessage> messages = List.of(
                new BuildMessage.Claim("w1"),
                new BuildMessage.Offer("lease", 30, job),
                new BuildMessage.Offer("lease", 30, new BuildJob("b-2", "r", "a/b",
                        new BuildSource.Git("git@example.com:a/b.git", "abcdef1"), null, null, null, null, "t")),
                new BuildMessage.NoWork(),
                new BuildMessage.Heartbeat("w1", "b-1", "lease"),
                new BuildMessage.PhaseChange("b-1", "lease", BuildPhase.PULLING, Map.of("base_image", "x")),
                new BuildMessage.LogLines("b-1", "lease", List.of(new BuildMessage.LogLine(1, "Step 1/2 : FROM x", "command"),
                        new BuildMessage.LogLine(2, "ok", null))),
                new BuildMessage.Result("b-1", "lease", BuildMessage.Outcome.COMPLETE, null, "sha256:1",
                        Map.of("latest", "sha256:2")),
                BuildMessage.Ack.OK,
                new BuildMessage.Cancel("b-1"),
                new BuildMessage.Wake());
        for (BuildMessage m : messages) assertEquals(m, codec.decode(codec.encode(m)));
    }

    @Test
    void jobPathsAreNormalisedAndDefaulted() {
        var job = new BuildJob("b", "r", "a/b", new BuildSource.Archive("https://x/y"), "/sub/./dir/", "/Dockerfile",
                null, null, "t");
        assertEquals("sub/dir", job.context());
        assertEquals("Dockerfile", job.dockerfilePath());
        assertEquals(List.of("latest"), job.tags());
        assertThrows(IllegalArgumentException.class, () -> new BuildJob("b", "r", "a/b",
                new BuildSource.Archive("https://x/y"), "sub/../../etc", null, null, null, "t"));
        assertThrows(IllegalArgumentException.class, () -> new BuildSource.Archive("file:///etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> new BuildSource.Git("https://x/y.git", "main"));
    }

    @Test
    void secretsStayOutOfToString() {
        var job = new BuildJob("b", "r", "a/b", new BuildSource.Archive("https://x/y?signature=s3cr3t"), "", null,
                null, new RegistryCredentials("r", "alice", "hunter2"), "the-push-token");
        String text = job.toString();
        assertFalse(text.contains("hunter2") || text.contains("the-push-token") || text.contains("s3cr3t"), text);
    }

    @Test
    void aMessageSignedWithAnotherSecretIsRefused() {
        byte[] foreign = new ProtocolCodec("another-secret-of-some-length").encode(new BuildMessage.Claim("w"));
        var e = assertThrows(ProtocolException.class, () -> codec.decode(foreign));
        assertTrue(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void aTamperedBodyIsRefused() {
        String wire = new String(codec.encode(new BuildMessage.Cancel("b-1")), StandardCharsets.UTF_8);
        byte[] tampered = wire.replace("b-1", "b-2").getBytes(StandardCharsets.UTF_8);
        assertThrows(ProtocolException.class, () -> codec.decode(tampered));
        assertThrows(ProtocolException.class, () -> codec.decode("{}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(ProtocolException.class, () -> codec.decode(codec.encode(new BuildMessage.Wake()),
                BuildMessage.Claim.class));
    }

    @Test
    void shortSecretsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ProtocolCodec("short"));
    }

    @Test
    void phasesUseQuaySpelling() {
        assertEquals("internalerror", BuildPhase.INTERNAL_ERROR.wire());
        assertEquals(BuildPhase.BUILD_SCHEDULED, BuildPhase.fromWire("build-scheduled"));
        assertTrue(BuildPhase.EXPIRED.terminal());
        assertFalse(BuildPhase.PUSHING.terminal());
    }
}

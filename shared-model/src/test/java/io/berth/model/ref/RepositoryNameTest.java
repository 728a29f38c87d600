package io.berth.model.ref;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepositoryNameTest {

    @Test
    void nestedNamesKeepTheirPath() {
        var name = RepositoryName.parse("alice/team/app-1.x", "library");
        assertEquals("alice", name.namespace());
        assertEquals("team/app-1.x", name.name());
        assertEquals("alice/team/app-1.x", name.toString());
    }

    @Test
    void singleSegmentGoesToTheLibraryNamespace() {
        assertEquals(new RepositoryName("library", "busybox"), RepositoryName.parse("busybox", "library"));
        var e = assertThrows(BerthException.class, () -> RepositoryName.parse("busybox", null));
        assertEquals(ErrorCode.NAME_INVALID, e.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Alice/app", "alice/App", "alice/app/", "alice//app", "a/app", "alice/-app", "alice/app name",
            "-alice/app", "alice./app", ""})
    void invalidNamesAreNameInvalid(String path) {
        var e = assertThrows(BerthException.class, () -> RepositoryName.parse(path, "library"));
        assertEquals(ErrorCode.NAME_INVALID, e.code());
    }

    @Test
    void totalLengthIsCapped() {
        String longName = "a".repeat(250);
        assertThrows(BerthException.class, () -> new RepositoryName("alice", longName));
        assertTrue(RepositoryName.validName("a".repeat(200)));
        assertFalse(RepositoryName.validNamespace("x"));
    }

    @Test
    void tagGrammar() {
        assertTrue(Tag.valid("v1.2.3_rc-1"));
        assertTrue(Tag.valid("_private"));
        assertTrue(Tag.valid("a".repeat(128)));
        assertFalse(Tag.valid("a".repeat(129)));
        assertFalse(Tag.valid(".hidden"));
        assertFalse(Tag.valid("-dash"));
        assertFalse(Tag.valid("with/slash"));
        assertEquals(ErrorCode.TAG_INVALID, assertThrows(BerthException.class, () -> Tag.require("bad tag")).code());
    }

    @Test
    void referencesAreTagsOrDigests() {
        assertEquals(new Reference.ByTag("latest"), Reference.parse("latest"));
        String hex = "a".repeat(64);
        assertTrue(Reference.parse("sha256:" + hex) instanceof Reference.ByDigest d && d.digest().hex().equals(hex));
        assertEquals(ErrorCode.DIGEST_INVALID, assertThrows(BerthException.class, () -> Reference.parse("sha256:xyz")).code());
    }
}

package io.berth.model.build;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

/**
 * The explicit wire form of {@link BuildMessage}s: {@code {"type", "body", "mac"}} in JSON, where {@code mac} is the
 * HMAC-SHA256 of type and body under the cluster secret. A message that fails the check is refused, so only holders
 * of the secret can claim jobs or change a build. The secret itself never crosses the bus.
 */
public final class ProtocolCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Map<String, Class<? extends BuildMessage>> TYPES = Map.ofEntries(
            Map.entry("claim", BuildMessage.Claim.class),
            Map.entry("offer", BuildMessage.Offer.class),
            Map.entry("no-work", BuildMessage.NoWork.class),
            Map.entry("heartbeat", BuildMessage.Heartbeat.class),
            Map.entry("phase", BuildMessage.PhaseChange.class),
            Map.entry("log", BuildMessage.LogLines.class),
            Map.entry("result", BuildMessage.Result.class),
            Map.entry("ack", BuildMessage.Ack.class),
            Map.entry("cancel", BuildMessage.Cancel.class),
            Map.entry("wake", BuildMessage.Wake.class));

    private final SecretKeySpec key;

    public ProtocolCodec(String clusterSecret) {
        if (clusterSecret == null || clusterSecret.length() < 16) {
            throw new IllegalArgumentException("the cluster secret must be at least 16 characters");
        }
        this.key = new SecretKeySpec(clusterSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public byte[] encode(BuildMessage message) {
        String type = typeOf(message);
        try {
            String body = JSON.writeValueAsString(message);
            ObjectNode envelope = JSON.createObjectNode().put("type", type).put("body", body).put("mac", mac(type, body));
            return JSON.writeValueAsBytes(envelope);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + type, e);
        }
    }

    public BuildMessage decode(byte[] bytes) throws ProtocolException {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new ProtocolException("not a build protocol message");
        }
        if (envelope == null || !envelope.path("type").isTextual() || !envelope.path("body").isTextual()
                || !envelope.path("mac").isTextual()) {
            throw new ProtocolException("not a build protocol message");
        }
        String type = envelope.get("type").asText();
        String body = envelope.get("body").asText();
        byte[] expected = mac(type, body).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, envelope.get("mac").asText().getBytes(StandardCharsets.US_ASCII))) {
            throw new ProtocolException("message not signed with this cluster's secret");
        }
        Class<? extends BuildMessage> cls = TYPES.get(type);
        if (cls == null) throw new ProtocolException("unknown message type " + type);
        try {
            return JSON.readValue(body, cls);
        } catch (IOException | IllegalArgumentException e) {
            throw new ProtocolException("malformed " + type + " message: " + e.getMessage());
        }
    }

    /** Decodes a message that must be of the given type. */
    public <T extends BuildMessage> T decode(byte[] bytes, Class<T> expected) throws ProtocolException {
        BuildMessage message = decode(bytes);
        if (!expected.isInstance(message)) throw new ProtocolException("expected " + expected.getSimpleName());
        return expected.cast(message);
    }

    private static String typeOf(BuildMessage message) {
        return TYPES.entrySet().stream().filter(e -> e.getValue() == message.getClass()).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    private String mac(String type, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(type.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '\n');
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

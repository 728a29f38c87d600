package io.berth.registry.iam;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Quay's avatar object {@code {name, hash, color, kind}}: a colour and hash derived from an e-mail or a name. */
public final class Avatar {
    private static final String[] COLORS = {"#969696", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a",
            "#d62728", "#ff9896", "#9467bd", "#c5b0d5", "#8c564b", "#c49c94", "#e377c2", "#f7b6d2", "#7f7f7f",
            "#c7c7c7", "#bcbd22", "#1f77b4", "#17becf", "#9edae5", "#393b79"};

    private Avatar() {}

    public static JsonObject of(Account account) {
        return of(account.username(), account.email(), account.kind());
    }

    /** {@code kind} as stored (user, organization, robot) or {@code team}; organizations show as {@code org}. */
    public static JsonObject of(String name, String email, String kind) {
        String seed = email != null ? email : name;
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(seed.trim().toLowerCase().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return new JsonObject().put("name", name).put("hash", hash)
                .put("color", COLORS[Integer.parseInt(hash.substring(0, 2), 16) % COLORS.length])
                .put("kind", kind.equals("organization") ? "org" : kind);
    }
}

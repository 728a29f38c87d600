package io.berth.model.ref;

import io.berth.model.oci.Digest;

/** The {@code <reference>} of a manifest URL: a tag or a digest. */
public sealed interface Reference {
    record ByTag(String tag) implements Reference {
        @Override public String toString() { return tag; }
    }

    record ByDigest(Digest digest) implements Reference {
        @Override public String toString() { return digest.toString(); }
    }

    static Reference parse(String text) {
        if (Digest.looksLikeDigest(text)) return new ByDigest(Digest.parse(text));
        return new ByTag(Tag.require(text));
    }
}

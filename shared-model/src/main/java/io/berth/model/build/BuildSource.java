package io.berth.model.build;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Where a build's context comes from: an archive (or bare Dockerfile) at a URL, or a git commit. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = BuildSource.Archive.class, name = "archive"),
        @JsonSubTypes.Type(value = BuildSource.Git.class, name = "git")})
public sealed interface BuildSource {

    /** A tar, tar.gz or zip archive, or a bare Dockerfile, fetched with HTTP GET. */
    record Archive(String url) implements BuildSource {
        public Archive {
            if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new IllegalArgumentException("an archive URL must be http or https");
            }
        }

        @Override
        public String toString() {
            // signed URLs carry their signature in the query
            int query = url.indexOf('?');
            return "Archive[" + (query < 0 ? url : url.substring(0, query) + "?…") + "]";
        }
    }

    /** A git repository cloned from {@code url}, checked out at {@code commit} (a full or abbreviated sha). */
    record Git(String url, String commit) implements BuildSource {
        public Git {
            if (url == null || url.isBlank()) throw new IllegalArgumentException("a git source needs a URL");
            if (commit == null || !commit.matches("[0-9a-fA-F]{7,64}")) {
                throw new IllegalArgumentException("a git source needs a commit sha of at least 7 hex digits");
            }
        }
    }
}

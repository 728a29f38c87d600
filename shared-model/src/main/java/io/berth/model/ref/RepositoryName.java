package io.berth.model.ref;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;

import java.util.regex.Pattern;

/**
 * A repository path {@code namespace/name} where name may be nested ({@code a/b/c}), following Quay's rules:
 * the namespace is a user, organization or robot owner name; the name's segments are {@code [a-z0-9][.a-z0-9_-]*};
 * the whole path is at most 255 characters.
 */
public record RepositoryName(String namespace, String name) {
    public static final Pattern NAMESPACE = Pattern.compile("^[a-z0-9]+(?:[._-][a-z0-9]+)*$");
    private static final Pattern SEGMENT = Pattern.compile("^[a-z0-9][.a-z0-9_-]*$");

    public RepositoryName {
        if (!validNamespace(namespace)) throw new BerthException(ErrorCode.NAME_INVALID, "Invalid namespace: " + namespace);
        if (!validName(name)) throw new BerthException(ErrorCode.NAME_INVALID, "Invalid repository name: " + name);
        if (namespace.length() + 1 + name.length() > 255) {
            throw new BerthException(ErrorCode.NAME_INVALID, "Repository name too long: " + namespace + "/" + name);
        }
    }

    /** Parses {@code ns/name[/more]}; a single segment maps to the library namespace. */
    public static RepositoryName parse(String path, String libraryNamespace) {
        if (path == null || path.isEmpty()) throw new BerthException(ErrorCode.NAME_INVALID, "Invalid repository name: empty");
        int slash = path.indexOf('/');
        if (slash < 0) {
            if (libraryNamespace == null) {
                throw new BerthException(ErrorCode.NAME_INVALID, "A namespace must be specified explicitly");
            }
            return new RepositoryName(libraryNamespace, path);
        }
        return new RepositoryName(path.substring(0, slash), path.substring(slash + 1));
    }

    public static boolean validNamespace(String ns) {
        return ns != null && ns.length() >= 2 && ns.length() <= 255 && NAMESPACE.matcher(ns).matches();
    }

    public static boolean validName(String name) {
        if (name == null || name.isEmpty() || name.length() > 255) return false;
        for (String segment : name.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) return false;
        }
        return true;
    }

    @Override
    public String toString() { return namespace + "/" + name; }
}

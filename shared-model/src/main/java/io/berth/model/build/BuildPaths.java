package io.berth.model.build;

import java.util.ArrayList;
import java.util.List;

/**
 * Paths inside a build context as users give them ({@code /sub/dir}, {@code sub/Dockerfile}): normalised to a
 * relative form without {@code .} segments; a path that climbs out ({@code ..}) is refused.
 */
public final class BuildPaths {
    private BuildPaths() {}

    /** The path relative to the root, {@code ""} for the root itself. */
    public static String relative(String what, String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.replace('\\', '/').split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) throw new IllegalArgumentException(what + " must stay inside the build context: " + path);
            if (part.indexOf('\0') >= 0) throw new IllegalArgumentException(what + " contains a NUL character");
            parts.add(part);
        }
        return String.join("/", parts);
    }
}

package io.berth.builder.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough Dockerfile reading to know which base images to pull: the {@code FROM} of each stage, with {@code ARG}s
 * declared before the first {@code FROM} expanded, skipping {@code scratch} and earlier stages' names. The engine
 * parses the file for real when it builds.
 */
public final class Dockerfiles {
    private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))");

    private Dockerfiles() {}

    public static List<ImageName> baseImages(String dockerfile) throws UserError {
        List<String> instructions = instructions(dockerfile);
        if (instructions.isEmpty()) throw new UserError("Empty Dockerfile");
        Map<String, String> args = new HashMap<>();
        Set<String> stages = new HashSet<>();
        List<ImageName> images = new ArrayList<>();
        boolean seenFrom = false;
        for (String line : instructions) {
            String[] parts = line.split("\\s+", 2);
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            String rest = parts.length > 1 ? parts[1].trim() : "";
            if (!seenFrom && !keyword.equals("FROM") && !keyword.equals("ARG")) {
                throw new UserError("First line in Dockerfile isn't FROM or ARG");
            }
            if (keyword.equals("ARG") && !seenFrom) {
                String[] kv = rest.split("=", 2);
                if (kv.length == 2) args.put(kv[0].trim(), unquote(kv[1].trim()));
            } else if (keyword.equals("FROM")) {
                seenFrom = true;
                List<String> words = new ArrayList<>(List.of(rest.split("\\s+")));
                words.removeIf(w -> w.startsWith("--"));
                if (words.isEmpty() || words.get(0).isEmpty()) throw new UserError("FROM line specifies no base image");
                String image = expand(words.get(0), args);
                if (!image.equalsIgnoreCase("scratch") && !stages.contains(image.toLowerCase(Locale.ROOT))) {
                    ImageName name = ImageName.parse(image);
                    if (!images.contains(name)) images.add(name);
                }
                if (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")) stages.add(words.get(2).toLowerCase(Locale.ROOT));
            }
        }
        return images;
    }

    /** Instructions with comments and blank lines dropped and backslash continuations joined. */
    private static List<String> instructions(String dockerfile) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : dockerfile.split("\\r?\\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) continue;
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            if (!current.toString().isBlank()) out.add(current.toString().strip());
            current.setLength(0);
        }
        if (!current.toString().isBlank()) out.add(current.toString().strip());
        return out;
    }

    private static String expand(String text, Map<String, String> args) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(3);
            String value = args.getOrDefault(name, m.group(2) != null ? m.group(2) : "");
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}

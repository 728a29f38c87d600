package io.berth.builder.pipeline;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks an untrusted build context (tar, tar.gz, zip, or a bare Dockerfile) into an empty directory. Refused, as
 * the user's error: entries with absolute paths or {@code ..} segments, symbolic links that point outside the
 * directory (or are absolute), writes through a symbolic link, and more bytes or files than the limits allow.
 */
public final class ContextUnpacker {
    private final long maxBytes;
    private final int maxFiles;
    private long bytes;
    private int files;

    public ContextUnpacker(long maxBytes, int maxFiles) {
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

    /** Unpacks {@code archive} into {@code root}, telling the format from the content. */
    public void unpack(Path archive, Path root) throws IOException, UserError {
        Files.createDirectories(root);
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(archive)) {
            n = in.readNBytes(head, 0, head.length);
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
            if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
                untar(new GZIPInputStream(in), root);
            } else if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
                unzip(in, root);
            } else if (n >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar")) {
                untar(in, root);
            } else {
                // a bare Dockerfile, as Quay takes one
                write(in, root, "Dockerfile");
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new UserError("The build package is not a valid archive: " + e.getMessage());
        }
    }

    private void untar(InputStream raw, Path root) throws IOException, UserError {
        var tar = new TarArchiveInputStream(raw);
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            String name = entry.getName();
            if (entry.isDirectory()) {
                directory(root, name);
            } else if (entry.isSymbolicLink()) {
                symlink(root, name, entry.getLinkName());
            } else if (entry.isLink()) {
                hardlink(root, name, entry.getLinkName());
            } else if (entry.isFile()) {
                write(tar, root, name);
            }
            // devices and fifos have no place in a build context: skipped
        }
    }

    private void unzip(InputStream raw, Path root) throws IOException, UserError {
        var zip = new ZipInputStream(raw);
        ZipEntry entry;
        while ((entry = zip.getNextEntry()) != null) {
            if (entry.isDirectory()) directory(root, entry.getName());
            else write(zip, root, entry.getName());
        }
    }

    private void directory(Path root, String name) throws IOException, UserError {
        Path target = target(root, name);
        if (target.equals(root)) return;
        count();
        mkdirs(root, target);
    }

    private void write(InputStream in, Path root, String name) throws IOException, UserError {
        Path target = target(root, name);
        count();
        mkdirs(root, target.getParent());
        if (Files.isSymbolicLink(target)) throw new UserError("The archive writes through a symbolic link: " + name);
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[64 * 1024];
            int r;
            while ((r = in.read(buffer)) > 0) {
                bytes += r;
                if (bytes > maxBytes) throw new UserError("The build context is larger than " + maxBytes + " bytes");
                out.write(buffer, 0, r);
            }
        }
    }

    private void symlink(Path root, String name, String linkTarget) throws IOException, UserError {
        Path link = target(root, name);
        count();
        if (linkTarget.startsWith("/")) {
            throw new UserError("The archive holds a symbolic link to an absolute path: " + name + " -> " + linkTarget);
        }
        Path resolved = link.getParent().resolve(linkTarget).normalize();
        if (!resolved.startsWith(root)) {
            throw new UserError("The archive holds a symbolic link that leaves it: " + name + " -> " + linkTarget);
        }
        mkdirs(root, link.getParent());
        try {
            Files.createSymbolicLink(link, Path.of(linkTarget));
        } catch (FileAlreadyExistsException e) {
            throw new UserError("The archive holds " + name + " twice");
        }
    }

    /** A hard link becomes a copy of the file it names, which must already have been unpacked. */
    private void hardlink(Path root, String name, String linkTarget) throws IOException, UserError {
        Path source = target(root, linkTarget);
        if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new UserError("The archive holds a hard link to a missing file: " + name + " -> " + linkTarget);
        }
        try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS)) {
            write(in, root, name);
        }
    }

    /** The entry's place under the root; absolute names and {@code ..} segments are refused. */
    private static Path target(Path root, String name) throws UserError {
        String clean = name.replace('\\', '/');
        if (clean.startsWith("/")) throw new UserError("The archive holds an absolute path: " + name);
        Path target = root;
        for (String part : clean.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) throw new UserError("The archive holds a path that leaves it: " + name);
            target = target.resolve(part);
        }
        return target;
    }

    /** Creates the directories down to {@code dir}, refusing to pass through a symbolic link. */
    private static void mkdirs(Path root, Path dir) throws IOException, UserError {
        Path current = root;
        for (Path part : root.relativize(dir)) {
            current = current.resolve(part);
            if (Files.isSymbolicLink(current)) {
                throw new UserError("The archive writes through a symbolic link: " + root.relativize(current));
            }
            if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                    throw new UserError("The archive holds " + root.relativize(current) + " as a file and a directory");
                }
                Files.createDirectory(current);
            }
        }
    }

    private void count() throws UserError {
        if (++files > maxFiles) throw new UserError("The build context has more than " + maxFiles + " files");
    }

    /**
     * Checks a tree that was not unpacked here (a git checkout): no symbolic link may point outside it, and the
     * limits hold.
     */
    public static void checkTree(Path root, long maxBytes, int maxFiles) throws IOException, UserError {
        long[] totals = {0, 0};
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (p.equals(root)) continue;
                if (++totals[1] > maxFiles) throw new UserError("The build context has more than " + maxFiles + " files");
                if (Files.isSymbolicLink(p)) {
                    Path linkTarget = Files.readSymbolicLink(p);
                    Path resolved = p.getParent().resolve(linkTarget).normalize();
                    if (linkTarget.isAbsolute() || !resolved.startsWith(root)) {
                        throw new UserError("The repository holds a symbolic link that leaves it: "
                                + root.relativize(p) + " -> " + linkTarget);
                    }
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    totals[0] += Files.size(p);
                    if (totals[0] > maxBytes) throw new UserError("The build context is larger than " + maxBytes + " bytes");
                }
            }
        }
    }
}

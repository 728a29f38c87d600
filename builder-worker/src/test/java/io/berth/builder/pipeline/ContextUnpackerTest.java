package io.berth.builder.pipeline;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContextUnpackerTest {
    @TempDir
    Path dir;

    /** A tar (gzipped when asked) of entries: "name=content" files, "name->target" links, "name/" directories. */
    private Path tar(boolean gzip, String... entries) throws IOException {
        Path file = dir.resolve("package-" + System.nanoTime());
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream out = gzip ? new GZIPOutputStream(raw) : raw;
             var tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String e : entries) {
                if (e.contains("->")) {
                    var entry = new TarArchiveEntry(e.substring(0, e.indexOf("->")), TarArchiveEntry.LF_SYMLINK, true);
                    entry.setLinkName(e.substring(e.indexOf("->") + 2));
                    tar.putArchiveEntry(entry);
                } else if (e.endsWith("/")) {
                    tar.putArchiveEntry(new TarArchiveEntry(e, true));
                } else {
                    byte[] content = e.substring(e.indexOf('=') + 1).getBytes(StandardCharsets.UTF_8);
                    var entry = new TarArchiveEntry(e.substring(0, e.indexOf('=')), true);
                    entry.setSize(content.length);
                    tar.putArchiveEntry(entry);
                    tar.write(content);
                }
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    private Path root() {
        return dir.resolve("root-" + System.nanoTime()).toAbsolutePath();
    }

    private String unpackError(Path archive, long maxBytes, int maxFiles) {
        return assertThrows(UserError.class, () -> new ContextUnpacker(maxBytes, maxFiles).unpack(archive, root()))
                .getMessage();
    }

    @Test
    void unpacksTarGzTarAndZipWithInnerLinks() throws Exception {
        Path root = root();
        new ContextUnpacker(1 << 20, 100).unpack(tar(true, "./sub/", "./sub/Dockerfile=FROM x", "sub/link->Dockerfile",
                "top->sub/Dockerfile"), root);
        assertEquals("FROM x", Files.readString(root.resolve("sub/Dockerfile")));
        assertEquals("FROM x", Files.readString(root.resolve("sub/link")));
        assertTrue(Files.isSymbolicLink(root.resolve("top")));

        Path plain = root();
        new ContextUnpacker(1 << 20, 100).unpack(tar(false, "a/b/c=deep"), plain);
        assertEquals("deep", Files.readString(plain.resolve("a/b/c")));

        Path zip = dir.resolve("package.zip");
        try (var out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("ctx/Dockerfile"));
            out.write("FROM z".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        Path zipped = root();
        new ContextUnpacker(1 << 20, 100).unpack(zip, zipped);
        assertEquals("FROM z", Files.readString(zipped.resolve("ctx/Dockerfile")));
    }

    @Test
    void aBareDockerfileBecomesTheDockerfile() throws Exception {
        Path file = dir.resolve("Dockerfile.upload");
        Files.writeString(file, "FROM scratch\n");
        Path root = root();
        new ContextUnpacker(1 << 20, 100).unpack(file, root);
        assertEquals("FROM scratch\n", Files.readString(root.resolve("Dockerfile")));
    }

    @Test
    void pathsThatLeaveTheArchiveAreRefused() throws Exception {
        assertEquals("The archive holds a path that leaves it: ../evil", unpackError(tar(true, "../evil=x"), 1 << 20, 100));
        assertEquals("The archive holds a path that leaves it: a/../../evil",
                unpackError(tar(true, "a/../../evil=x"), 1 << 20, 100));
        assertEquals("The archive holds an absolute path: /etc/cron.d/evil",
                unpackError(tar(false, "/etc/cron.d/evil=x"), 1 << 20, 100));
        assertFalse(Files.exists(dir.resolve("evil")));
    }

    @Test
    void symbolicLinksMayNotEscapeNorBeWrittenThrough() throws Exception {
        assertEquals("The archive holds a symbolic link that leaves it: up -> ../..",
                unpackError(tar(true, "up->../.."), 1 << 20, 100));
        assertEquals("The archive holds a symbolic link to an absolute path: etc -> /etc",
                unpackError(tar(true, "etc->/etc"), 1 << 20, 100));
        // a link inside the archive, then a file written through it
        assertEquals("The archive writes through a symbolic link: d",
                unpackError(tar(true, "real/", "d->real", "d/file=x"), 1 << 20, 100));
        assertEquals("The archive writes through a symbolic link: f",
                unpackError(tar(true, "target=x", "f->target", "f=overwrite"), 1 << 20, 100));
    }

    @Test
    void sizeAndFileCountAreLimited() throws Exception {
        assertEquals("The build context is larger than 10 bytes", unpackError(tar(true, "big=" + "x".repeat(11)), 10, 100));
        assertEquals("The build context has more than 2 files", unpackError(tar(true, "a=1", "b=2", "c=3"), 1 << 20, 2));
        // a gzip bomb is cut off by the byte limit, however small the archive
        Path bomb = dir.resolve("bomb.tar.gz");
        try (var out = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(bomb)))) {
            var entry = new TarArchiveEntry("zeros");
            entry.setSize(64L << 20);
            out.putArchiveEntry(entry);
            out.write(new byte[64 << 20]);
            out.closeArchiveEntry();
        }
        assertTrue(Files.size(bomb) < (1 << 20));
        assertEquals("The build context is larger than " + (1 << 20) + " bytes", unpackError(bomb, 1 << 20, 100));
    }

    @Test
    void aCheckedOutTreeWithALinkOutIsRefused() throws Exception {
        Path tree = Files.createDirectories(root());
        Files.writeString(tree.resolve("Dockerfile"), "FROM x");
        Files.createSymbolicLink(tree.resolve("ok"), Path.of("Dockerfile"));
        ContextUnpacker.checkTree(tree, 1 << 20, 100);
        Files.createSymbolicLink(tree.resolve("shadow"), Path.of("/etc/shadow"));
        var e = assertThrows(UserError.class, () -> ContextUnpacker.checkTree(tree, 1 << 20, 100));
        assertEquals("The repository holds a symbolic link that leaves it: shadow -> /etc/shadow", e.getMessage());
    }
}

package io.berth.builder.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DockerfilesTest {
    @Test
    void baseImagesOfEveryStageWithArgsExpanded() throws Exception {
        var images = Dockerfiles.baseImages("""
                # syntax comment
                ARG REGISTRY=127.0.0.1:5000
                ARG TAG="1.2"
                FROM --platform=linux/amd64 ${REGISTRY}/acme/base:$TAG AS build
                RUN make \\
                    all
                FROM build AS test
                FROM scratch
                FROM busybox@sha256:%s
                FROM ${MISSING:-library/alpine}
                """.formatted("a".repeat(64)));
        assertEquals(List.of(new ImageName("127.0.0.1:5000", "acme/base", "1.2", null),
                new ImageName(null, "busybox", null, "sha256:" + "a".repeat(64)),
                new ImageName(null, "library/alpine", "latest", null)), images);
    }

    @Test
    void registryHostsAreToldFromNamespaces() throws Exception {
        assertEquals("localhost", ImageName.parse("localhost/x").registry());
        assertEquals(null, ImageName.parse("acme/web:1").registry());
        assertEquals("quay.example", ImageName.parse("quay.example/acme/web").registry());
        assertEquals("quay.example:8443/acme/web:latest", ImageName.parse("quay.example:8443/acme/web").toString());
    }

    @Test
    void quayMessagesForBadDockerfiles() {
        assertEquals("Empty Dockerfile", assertThrows(UserError.class, () -> Dockerfiles.baseImages("# nothing\n\n"))
                .getMessage());
        assertEquals("First line in Dockerfile isn't FROM or ARG",
                assertThrows(UserError.class, () -> Dockerfiles.baseImages("RUN true\nFROM x\n")).getMessage());
        assertEquals("FROM line specifies no base image",
                assertThrows(UserError.class, () -> Dockerfiles.baseImages("FROM\n")).getMessage());
    }
}

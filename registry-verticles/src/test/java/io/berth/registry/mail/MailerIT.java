package io.berth.registry.mail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.berth.registry.config.ConfigLoader;
import io.berth.registry.testing.TestServer;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mail goes through a real SMTP server (GreenMail) on loopback. */
class MailerIT {

    @Test
    void sendsThroughTheConfiguredServer() throws Exception {
        int port = TestServer.freePort();
        var smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        Vertx vertx = Vertx.vertx();
        try {
            var config = ConfigLoader.from(Map.of("MAIL_SERVER", "127.0.0.1", "MAIL_PORT", port, "MAIL_USE_TLS", false,
                    "MAIL_DEFAULT_SENDER", "berth@example.com"));
            var mailer = new Mailer(vertx, config.mail());
            assertTrue(mailer.enabled());
            mailer.send("alice@example.com", "Hello", "Welcome aboard").await(30, TimeUnit.SECONDS);
            assertTrue(smtp.waitForIncomingEmail(10_000, 1));
            var message = smtp.getReceivedMessages()[0];
            assertEquals("Hello", message.getSubject());
            assertEquals("berth@example.com", message.getFrom()[0].toString());
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
            smtp.stop();
        }
    }

    @Test
    void withoutAServerMailingIsOff() {
        Vertx vertx = Vertx.vertx();
        try {
            var mailer = new Mailer(vertx, ConfigLoader.from(Map.of()).mail());
            assertFalse(mailer.enabled());
            assertTrue(mailer.send("a@example.com", "x", "y").failed());
        } finally {
            vertx.close();
        }
    }
}

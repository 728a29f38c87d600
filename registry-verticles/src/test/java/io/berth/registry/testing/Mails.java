package io.berth.registry.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/** The mail a GreenMail server received, read as a person would: by recipient, newest first, as text. */
public final class Mails {
    private Mails() {}

    /** A started GreenMail SMTP server on a free loopback port. */
    public static GreenMail smtp() throws IOException {
        var smtp = new GreenMail(new ServerSetup(TestServer.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        return smtp;
    }

    /** The config.yaml keys that make Berth send its mail to the server. */
    public static Map<String, Object> config(GreenMail smtp) {
        return Map.of("MAIL_SERVER", "127.0.0.1", "MAIL_PORT", smtp.getSmtp().getPort(), "MAIL_USE_TLS", false,
                "MAIL_DEFAULT_SENDER", "berth@example.com");
    }

    /** The first match of {@code pattern} in the newest mail to the address that has one, waiting (bounded) for it. */
    public static MatchResult newest(GreenMail mail, String address, Pattern pattern) {
        MatchResult[] found = new MatchResult[1];
        Poll.until(Duration.ofSeconds(30), "a mail to " + address + " matching " + pattern,
                () -> (found[0] = find(mail, address, pattern)) != null);
        return found[0];
    }

    /** The texts of the mails the address received, oldest first. */
    public static List<String> texts(GreenMail mail, String address) {
        return Arrays.stream(mail.getReceivedMessagesForDomain(address.substring(address.indexOf('@') + 1)))
                .filter(m -> recipient(m).equals(address)).map(Mails::text).toList();
    }

    private static MatchResult find(GreenMail mail, String address, Pattern pattern) {
        List<String> texts = texts(mail, address);
        for (int i = texts.size() - 1; i >= 0; i--) {
            var m = pattern.matcher(texts.get(i));
            if (m.find()) return m.toMatchResult();
        }
        return null;
    }

    private static String recipient(MimeMessage message) {
        try {
            return message.getAllRecipients()[0].toString();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The message's text with its transfer encoding undone (long lines go quoted-printable, '=' as "=3D"). */
    private static String text(MimeMessage message) {
        try (var in = message.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.berth.registry.testing;

import com.icegreen.greenmail.util.GreenMail;
import io.vertx.core.json.JsonObject;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/** Team invitations as a GreenMail server received them, and as the API lists them. */
public final class Invitations {
    /** The link the invitation e-mail asks to open, and the code in it. */
    private static final Pattern LINK = Pattern.compile("(https?://\\S+/confirminvite\\?code=([A-Za-z0-9]+))");

    private Invitations() {}

    /** The code of the newest team invitation mailed to the address, waiting (bounded) for one to arrive. */
    public static String code(GreenMail mail, String address) {
        return newest(mail, address).group(2);
    }

    /** The confirmation page's address in the newest team invitation mailed to the address. */
    public static String link(GreenMail mail, String address) {
        return newest(mail, address).group(1);
    }

    /** The team as the API lists it to the admin, members first, then pending invitations marked with '*'. */
    public static List<String> members(TestServer server, String org, String team, String admin) {
        var members = RegistryHttp.json(RegistryHttp.ok(new RegistryHttp(server).api("GET", "/organization/" + org
                + "/team/" + team + "/members?includePending=true", server.oauthToken(admin), null)));
        return members.getJsonArray("members").stream().map(o -> (JsonObject) o)
                .map(m -> m.getString("name", m.getString("email")) + (m.getBoolean("invited") ? "*" : "")).toList();
    }

    private static MatchResult newest(GreenMail mail, String address) {
        MatchResult[] found = new MatchResult[1];
        Poll.until(Duration.ofSeconds(30), "an invitation mailed to " + address,
                () -> (found[0] = find(mail, address)) != null);
        return found[0];
    }

    private static MatchResult find(GreenMail mail, String address) {
        var messages = mail.getReceivedMessagesForDomain(address.substring(address.indexOf('@') + 1));
        for (int i = messages.length - 1; i >= 0; i--) {
            try {
                if (!messages[i].getAllRecipients()[0].toString().equals(address)) continue;
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
            var m = LINK.matcher(text(messages[i]));
            if (m.find()) return m.toMatchResult();
        }
        return null;
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

package io.berth.registry.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.MessagingException;

import java.time.Duration;
import java.util.regex.Pattern;

/** Team invitations as a GreenMail server received them. */
public final class Invitations {
    private static final Pattern CODE = Pattern.compile("teaminvite/([A-Za-z0-9]+)");

    private Invitations() {}

    /** The code of the newest team invitation mailed to the address, waiting (bounded) for one to arrive. */
    public static String code(GreenMail mail, String address) {
        String[] code = new String[1];
        Poll.until(Duration.ofSeconds(30), "an invitation mailed to " + address,
                () -> (code[0] = newest(mail, address)) != null);
        return code[0];
    }

    private static String newest(GreenMail mail, String address) {
        var messages = mail.getReceivedMessagesForDomain(address.substring(address.indexOf('@') + 1));
        for (int i = messages.length - 1; i >= 0; i--) {
            try {
                if (!messages[i].getAllRecipients()[0].toString().equals(address)) continue;
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
            var m = CODE.matcher(GreenMailUtil.getBody(messages[i]));
            if (m.find()) return m.group(1);
        }
        return null;
    }
}

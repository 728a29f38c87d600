package io.berth.registry.testing;

import com.icegreen.greenmail.util.GreenMail;

import java.util.regex.Pattern;

/** Password recovery links as a GreenMail server received them. */
public final class Recoveries {
    /** The link the recovery e-mail asks to open, and the code in it. */
    private static final Pattern LINK = Pattern.compile("(https?://\\S+/recovery\\?code=([A-Za-z0-9]+))");

    private Recoveries() {}

    /** The link of the newest recovery e-mail to the address, waiting (bounded) for one to arrive. */
    public static String link(GreenMail mail, String address) {
        return Mails.newest(mail, address, LINK).group(1);
    }

    /** The code of that link. */
    public static String code(GreenMail mail, String address) {
        return Mails.newest(mail, address, LINK).group(2);
    }

    /** How many recovery e-mails the address received. */
    public static long count(GreenMail mail, String address) {
        return Mails.texts(mail, address).stream().filter(text -> LINK.matcher(text).find()).count();
    }
}

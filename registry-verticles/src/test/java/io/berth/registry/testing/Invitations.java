package io.berth.registry.testing;

import com.icegreen.greenmail.util.GreenMail;
import io.vertx.core.json.JsonObject;

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
        return Mails.newest(mail, address, LINK);
    }
}

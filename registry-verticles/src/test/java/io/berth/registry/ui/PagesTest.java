package io.berth.registry.ui;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The sign-in page's return path: a path of this site, never a way off it. */
class PagesTest {
    @Test
    void aPathOfTheSiteIsKept() {
        for (String path : new String[] {"/", "/repository", "/confirminvite?code=Ab12", "/user/settings?tab=robots",
                "/repository/acme/web?tab=tags&after=v1%2F2"}) {
            assertEquals(path, Pages.returnPath(path), path);
        }
    }

    @Test
    void anythingThatCouldLeaveTheSiteIsRefused() {
        for (String next : new String[] {null, "", "//evil.example", "https://evil.example", "http:evil.example",
                "evil.example", "javascript:alert(1)", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
                "/\n/evil.example", "/ /evil.example", "/caf\u00e9", "/" + "a".repeat(2048)}) {
            assertNull(Pages.returnPath(next), String.valueOf(next));
        }
    }
}

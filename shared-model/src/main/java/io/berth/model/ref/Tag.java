package io.berth.model.ref;

import io.berth.model.error.BerthException;
import io.berth.model.error.ErrorCode;

import java.util.regex.Pattern;

/** Tag grammar shared by the OCI spec and Quay: {@code [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}}. */
public final class Tag {
    private static final Pattern TAG = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");

    private Tag() {}

    public static boolean valid(String tag) { return tag != null && TAG.matcher(tag).matches(); }

    public static String require(String tag) {
        if (!valid(tag)) {
            throw new BerthException(ErrorCode.TAG_INVALID,
                    "Invalid tag: must match [A-Za-z0-9_.-], NOT start with \".\" or \"-\", and can contain 1-128 characters");
        }
        return tag;
    }
}

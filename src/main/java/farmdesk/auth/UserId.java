package farmdesk.auth;

import java.util.regex.Pattern;

/** The rule for user ids a token may carry when Farmdesk mints it: what the marketplace uses, e.g. F-1001 or A-7. */
public final class UserId {

    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    public static final String RULE = "1..64 letters, digits or . _ : - (e.g. F-1001)";

    private UserId() {
    }

    public static boolean valid(String id) {
        return id != null && USER_ID.matcher(id).matches();
    }
}

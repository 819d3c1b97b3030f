package farmdesk.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} (or {@code --name=value}) pairs, each known and given at most once. */
record Options(Map<String, String> values) {

    static Options parse(List<String> args, List<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else {
                value = null;
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
            if (value == null) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            if (values.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException(name + " is given twice");
            }
        }
        return new Options(values);
    }

    String get(String name) {
        return values.get(name);
    }
}

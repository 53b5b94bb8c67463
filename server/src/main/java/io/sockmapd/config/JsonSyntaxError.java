package io.sockmapd.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A config file that is not valid JSON, reported by where it went wrong (line, column and the JSON
 * path of the key being read) but never by what the text there says: Jackson's own message quotes
 * the offending token, and in a config file that token may be an unquoted password.
 */
final class JsonSyntaxError {
  private JsonSyntaxError() {}

  static ConfigException of(String source, JsonProcessingException e) {
    String path = "$";
    if (e.getProcessor() instanceof JsonParser parser && parser.getParsingContext() != null) {
      path = pathOf(parser.getParsingContext());
    }
    String where = where(e.getLocation());
    String in = path.equals("$") ? "" : ", in " + path;
    String message;
    if (isDuplicateKey(e)) {
      message = "the key " + path + " is given twice" + where;
    } else if (e instanceof JsonEOFException) {
      message = "not valid JSON" + where + in + " (the file ends early)";
    } else {
      message =
          "not valid JSON" + where + in + " (the text there is not shown: it may be a secret)";
    }
    // A problem of the file as a whole: reported at "$", which the command line prints as one line.
    return new ConfigException(source, message);
  }

  /** Jackson's STRICT_DUPLICATE_DETECTION has no exception type of its own, only this wording. */
  private static boolean isDuplicateKey(JsonProcessingException e) {
    String original = e.getOriginalMessage();
    return original != null && original.startsWith("Duplicate field ");
  }

  private static String where(JsonLocation loc) {
    return loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  /** The path of the value being read, in the form every other config problem uses. */
  private static String pathOf(JsonStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
      } else if (c.getCurrentName() != null) {
        String name = c.getCurrentName();
        parts.push(name.matches("[A-Za-z_][A-Za-z0-9_]*") ? "." + name : "['" + name + "']");
      }
    }
    return "$" + String.join("", parts);
  }
}

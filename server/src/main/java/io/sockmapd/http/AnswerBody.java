package io.sockmapd.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sockmapd.lookup.LookupResult;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/** How the body of a {@code 200} answer reads: a map's value, or a policy rule's action. */
public sealed interface AnswerBody permits AnswerBody.JsonValues, AnswerBody.PlainText {

  /**
   * The answer the body gives: {@code OK} with the value, {@code NOTFOUND} for an empty one, {@code
   * TEMP} for a body that is none of the shapes this reading accepts.
   */
  LookupResult read(Buffer body);

  /** What this reading accepts, for the warning about a body it does not. */
  String expected();

  /**
   * A lookup's value as postfix-rest-connector reads it: a JSON array of strings, joined with the
   * separator (an empty array is {@code NOTFOUND}); a JSON string is accepted too (empty is {@code
   * NOTFOUND}). A broken body is {@code TEMP}, as postfix-rest-connector answers it: the
   * application is broken, and a broken deploy is fixed by the next one; deferring keeps the mail,
   * where {@code PERM} would bounce it.
   *
   * @param separator joins the strings of an array
   */
  record JsonValues(String separator) implements AnswerBody {
    // ["a"] followed by anything else is not an answer either.
    private static final ObjectMapper JSON =
        JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    @Override
    public LookupResult read(Buffer body) {
      JsonNode root;
      try {
        root = JSON.readTree(body.getBytes());
      } catch (JsonProcessingException e) {
        return invalid();
      } catch (IOException e) {
        return invalid();
      }
      if (root == null) {
        return invalid(); // an empty body
      }
      if (root.isTextual()) {
        return root.textValue().isEmpty()
            ? LookupResult.notFound()
            : LookupResult.found(root.textValue());
      }
      if (!root.isArray()) {
        return invalid();
      }
      if (root.isEmpty()) {
        return LookupResult.notFound();
      }
      StringJoiner joined = new StringJoiner(separator);
      for (JsonNode element : root) {
        if (!element.isTextual()) {
          return invalid();
        }
        joined.add(element.textValue());
      }
      String value = joined.toString();
      return value.isEmpty() ? LookupResult.notFound() : LookupResult.found(value);
    }

    @Override
    public String expected() {
      return "a JSON array of strings";
    }

    private LookupResult invalid() {
      return LookupResult.temp("http answer is not " + expected());
    }
  }

  /**
   * A policy rule's action as postfix-rest-connector reads it: the body as UTF-8 text with the
   * surrounding white space (a trailing newline, say) trimmed. Empty is {@code NOTFOUND} (the next
   * rule is asked); a body that is not UTF-8 is {@code TEMP}. Whether the text is a valid action is
   * the policy's check, as for every rule.
   */
  enum PlainText implements AnswerBody {
    INSTANCE;

    @Override
    public LookupResult read(Buffer body) {
      String text;
      try {
        text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(body.getBytes()))
                .toString()
                .strip();
      } catch (CharacterCodingException e) {
        return LookupResult.temp("http answer is not " + expected());
      }
      return text.isEmpty() ? LookupResult.notFound() : LookupResult.found(text);
    }

    @Override
    public String expected() {
      return "UTF-8 text";
    }
  }
}

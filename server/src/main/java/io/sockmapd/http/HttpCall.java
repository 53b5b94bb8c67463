package io.sockmapd.http;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one lookup sends to each node it tries: {@code GET <node URL><path>?<query>}, or a {@code
 * POST} of a form when there is one.
 *
 * @param path appended to the node's base URL
 * @param query query parameters in order (URL-encoded when sent)
 * @param form the body of a {@code POST}, sent as {@code application/x-www-form-urlencoded} in
 *     UTF-8, in order; null for a {@code GET}
 * @param reading how the body of a {@code 200} reads
 */
public record HttpCall(
    String path,
    Map<String, String> query,
    @Nullable Map<String, String> form,
    AnswerBody reading) {

  /** A {@code GET} with query parameters. */
  public static HttpCall get(String path, Map<String, String> query, AnswerBody reading) {
    return new HttpCall(path, query, null, reading);
  }

  /** A {@code POST} of a form. */
  public static HttpCall post(String path, Map<String, String> form, AnswerBody reading) {
    return new HttpCall(path, Map.of(), form, reading);
  }

  String method() {
    return form == null ? "GET" : "POST";
  }
}

package io.sockmapd.http;

import io.sockmapd.lookup.LookupResult;
import io.vertx.core.buffer.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * What an HTTP answer means for a lookup, as postfix-rest-connector reads it, so that swapping it
 * for sockmapd changes no reply:
 *
 * <ul>
 *   <li>{@code 200}: the body, as the request's {@link AnswerBody} reads it (a JSON value for a
 *       map, the action's text for a policy rule).
 *   <li>{@code 404}: {@code NOTFOUND}. Any other {@code 4xx}: {@code PERM} (the request is wrong: a
 *       misconfiguration, which retrying will not fix).
 *   <li>{@code 5xx} and every other status ({@code 1xx}, {@code 3xx}, a {@code 2xx} other than
 *       {@code 200}): {@code TEMP}.
 * </ul>
 *
 * <p>The status word comes from the HTTP status and the body's shape only, never from the value.
 */
final class HttpAnswer {

  private HttpAnswer() {}

  /** True for the statuses that say the node itself is not serving (a gateway or overload). */
  static boolean nodeUnavailable(int status) {
    return status == 502 || status == 503 || status == 504;
  }

  /**
   * The lookup's answer for a response.
   *
   * @param body the body as read (within the size limit); null when none was read
   */
  static LookupResult of(int status, @Nullable Buffer body, AnswerBody reading) {
    if (status == 200) {
      return reading.read(body == null ? Buffer.buffer() : body);
    }
    if (status == 404) {
      return LookupResult.notFound();
    }
    if (status >= 400 && status < 500) {
      return LookupResult.perm("http status " + status + " (misconfigured request?)");
    }
    return LookupResult.temp("http status " + status);
  }
}

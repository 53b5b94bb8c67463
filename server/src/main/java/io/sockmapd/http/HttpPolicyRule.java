package io.sockmapd.http;

import io.sockmapd.codec.PolicyRequest;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.policy.PolicyRule;
import io.sockmapd.policy.PolicyRuleException;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A policy rule answered by an {@code http} database: {@code POST <url><url_path>} with every
 * attribute of the request as a form, postfix-rest-connector's policy request. The answer is read
 * as for a map ({@link HttpAnswer}), the body as text ({@link AnswerBody.PlainText}): a {@code 200}
 * gives the action; an empty body or a {@code 404} has nothing to say (the next rule is asked);
 * every other answer, and a cluster with no node to ask, is the rule's failure.
 *
 * <p>Attribute values go as Postfix sent them, also the ones that were not valid UTF-8 (with U+FFFD
 * where the bytes were invalid), as postfix-rest-connector sends them: the application sees the
 * whole request and decides.
 */
public final class HttpPolicyRule implements PolicyRule {
  private final String path;
  private final HttpCluster cluster;

  public HttpPolicyRule(String path, HttpCluster cluster) {
    this.path = path;
    this.cluster = cluster;
  }

  @Override
  public CompletionStage<Optional<String>> evaluate(PolicyRequest request) {
    return cluster
        .ask(HttpCall.post(path, request.attributes(), AnswerBody.PlainText.INSTANCE))
        .compose(HttpPolicyRule::action)
        .toCompletionStage();
  }

  private static Future<Optional<String>> action(LookupResult result) {
    return switch (result.status()) {
      case OK -> Future.succeededFuture(Optional.of(result.text()));
      case NOTFOUND -> Future.succeededFuture(Optional.empty());
      default ->
          Future.failedFuture(new PolicyRuleException(result.status() + " " + result.text()));
    };
  }

  @Override
  public String describe() {
    return "database " + cluster.name() + ", POST " + (path.isEmpty() ? "/" : path);
  }
}

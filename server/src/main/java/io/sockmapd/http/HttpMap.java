package io.sockmapd.http;

import io.sockmapd.config.HttpTarget;
import io.sockmapd.lookup.LookupResult;
import io.sockmapd.lookup.MapLookup;
import io.sockmapd.sql.KeyPolicy;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One map answered by an {@code http} database: {@code GET <url><url_path>?name=MAP&key=KEY} (or
 * {@code ?key=KEY}), postfix-rest-connector's requests. The key forms come from the map's {@link
 * KeyPolicy}, as for a SQL map (case folding, fallback keys); the first form found answers. Never
 * completes exceptionally.
 */
public final class HttpMap implements MapLookup {
  private final String name;
  private final KeyPolicy policy;
  private final HttpTarget target;
  private final HttpCluster cluster;
  private final AnswerBody reading;

  public HttpMap(String name, KeyPolicy policy, HttpTarget target, HttpCluster cluster) {
    this.name = name;
    this.policy = policy;
    this.target = target;
    this.cluster = cluster;
    this.reading = new AnswerBody.JsonValues(target.valueSeparator());
  }

  public HttpCluster cluster() {
    return cluster;
  }

  @Override
  public CompletionStage<LookupResult> lookup(String key) {
    if (target.parameters() == HttpTarget.Parameters.FORWARDED_NAME_AND_KEY) {
      // "NAME KEY" from a listener that answers every map name from this map.
      int space = key.indexOf(' ');
      if (space <= 0) {
        return Future.succeededFuture(LookupResult.perm("malformed request")).toCompletionStage();
      }
      String asked = key.substring(space + 1);
      if (asked.isEmpty()) {
        return Future.succeededFuture(LookupResult.notFound()).toCompletionStage();
      }
      return ask(key.substring(0, space), List.of(asked), 0).toCompletionStage();
    }
    List<String> forms = policy.forms(key);
    if (forms.isEmpty()) {
      return Future.succeededFuture(LookupResult.notFound()).toCompletionStage();
    }
    return ask(name, forms, 0).toCompletionStage();
  }

  private Future<LookupResult> ask(String mapName, List<String> forms, int index) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (target.parameters() != HttpTarget.Parameters.KEY) {
      parameters.put("name", mapName);
    }
    parameters.put("key", forms.get(index));
    return cluster
        .ask(HttpCall.get(target.path(), parameters, reading))
        .compose(
            result ->
                result.status() == io.sockmapd.codec.SocketmapStatus.NOTFOUND
                        && index + 1 < forms.size()
                    ? ask(mapName, forms, index + 1)
                    : Future.succeededFuture(result));
  }
}

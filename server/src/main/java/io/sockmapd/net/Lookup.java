package io.sockmapd.net;

import io.sockmapd.codec.PolicyRequest;
import io.sockmapd.codec.SocketmapRequest;
import io.sockmapd.lookup.LookupResult;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * One decoded request as {@link LookupHandler} queues and runs it, whatever the protocol: a map
 * lookup (socketmap, tcp_table) or a policy decision. Its outcome is a {@link LookupResult}, which
 * the listener's {@link LookupProtocol} turns into its reply.
 */
interface Lookup {

  /** The map or policy asked, for log lines and reply-size reports. */
  String name();

  /** What was asked (the key, or a short summary of the attributes), for debug log lines. */
  String subject();

  /** What the request holds on the heap while it waits, estimated. */
  long heapEstimate();

  /** Why the request is malformed (it is answered {@code PERM} without a lookup), or null. */
  @Nullable Throwable malformed();

  /** Starts the lookup; the stage never completes exceptionally and may complete on any thread. */
  CompletionStage<LookupResult> start(RequestDispatcher dispatcher);

  /** A lookup of a map by key. */
  static Lookup map(SocketmapRequest request) {
    return new MapKey(request);
  }

  /** A decision of the policy {@code policy}. */
  static Lookup policy(String policy, PolicyRequest request) {
    return new PolicyQuestion(policy, request);
  }

  /** A socketmap or tcp_table request. */
  record MapKey(SocketmapRequest request) implements Lookup {
    private static final Logger LOG = LogManager.getLogger(LookupHandler.class);

    @Override
    public String name() {
      return request.mapName();
    }

    @Override
    public String subject() {
      return '"' + request.key() + '"';
    }

    @Override
    public long heapEstimate() {
      return 128L + request.mapName().length() + request.key().length();
    }

    @Override
    public @Nullable Throwable malformed() {
      return request.decoderResult().isFailure() ? request.decoderResult().cause() : null;
    }

    @Override
    public CompletionStage<LookupResult> start(RequestDispatcher dispatcher) {
      if (!request.isKeyValidUtf8()) {
        // Such a key can't be in any UTF-8 database; looking up its mangled form could match
        // something else.
        LOG.debug("{}: key is not valid UTF-8, answered NOTFOUND", request.mapName());
        return CompletableFuture.completedFuture(LookupResult.notFound());
      }
      return dispatcher.dispatch(request.mapName(), request.key());
    }
  }

  /** An SMTPD policy request. */
  record PolicyQuestion(String policy, PolicyRequest request) implements Lookup {
    @Override
    public String name() {
      return policy;
    }

    @Override
    public String subject() {
      return "client_address="
          + request.attribute("client_address")
          + " sender="
          + request.attribute("sender")
          + " recipient="
          + request.attribute("recipient");
    }

    @Override
    public long heapEstimate() {
      long bytes = 128L;
      for (Map.Entry<String, String> attribute : request.attributes().entrySet()) {
        bytes += 64L + attribute.getKey().length() + attribute.getValue().length();
      }
      return bytes;
    }

    @Override
    public @Nullable Throwable malformed() {
      // The decoder closes the connection on a malformed list: no such request gets here.
      return null;
    }

    @Override
    public CompletionStage<LookupResult> start(RequestDispatcher dispatcher) {
      return dispatcher.decide(policy, request);
    }
  }
}

package io.sockmapd.sql.cluster;

import io.sockmapd.cluster.NodeClients;
import io.sockmapd.config.DatabaseConfig;
import io.sockmapd.config.HostAndPort;
import io.sockmapd.config.TlsMode;
import io.sockmapd.sql.SqlErrorClassifier;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A SQL cluster's nodes for {@link io.sockmapd.cluster.NodeHealth}: a pool each, probed with {@code
 * SELECT 1}.
 */
final class SqlNodeClients implements NodeClients<Pool> {
  private static final String PROBE_SQL = "SELECT 1";

  private final NodePoolFactory poolFactory;
  private final TlsMode tlsMode;
  private final String tlsSettings;

  SqlNodeClients(DatabaseConfig database, NodePoolFactory poolFactory) {
    this.poolFactory = poolFactory;
    this.tlsMode = database.tlsMode();
    this.tlsSettings =
        "tls_mode "
            + tlsMode.name().toLowerCase(Locale.ROOT).replace('_', '-')
            + (database.tlsCaFile() == null ? "" : ", tls_ca_file " + database.tlsCaFile());
  }

  @Override
  public Pool create(HostAndPort node) {
    return poolFactory.create(node);
  }

  @Override
  public Future<?> probe(HostAndPort node, Pool pool) {
    return pool.query(PROBE_SQL).execute();
  }

  @Override
  public Future<Void> close(Pool pool) {
    return pool.close();
  }

  @Override
  public String describe(Throwable failure) {
    return SqlErrorClassifier.describe(failure);
  }

  @Override
  public @Nullable String tlsProblem(Throwable failure) {
    return TlsFailure.describe(failure, tlsMode);
  }

  @Override
  public String tlsSettings() {
    return tlsSettings;
  }
}

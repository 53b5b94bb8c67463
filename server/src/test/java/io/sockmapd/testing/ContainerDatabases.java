package io.sockmapd.testing;

import io.sockmapd.config.DatabaseType;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One PostgreSQL and one MariaDB container for the whole test run, started on first use when no
 * {@code SOCKMAPD_TEST_*_URI} names a server and a Docker engine answers. Test classes share them
 * and make their own databases in them ({@link DatabaseExtension}): a container costs seconds to
 * start (tens of seconds on a copy-on-nothing storage driver), a database milliseconds.
 *
 * <p>Images: the public {@code postgres:15} and {@code mariadb:10.11} unless {@value #PG_IMAGE} /
 * {@value #MARIADB_IMAGE} (environment or system property) name others; those are declared
 * compatible substitutes, which is how CI runs its locally built stand-ins.
 *
 * <p>The containers stop in a JVM shutdown hook: CI runs with Testcontainers' reaper disabled (it
 * cannot pull the reaper image), and they carry the label {@value #LABEL} so that a script can
 * remove any a killed JVM left behind.
 */
public final class ContainerDatabases {
  public static final String PG_IMAGE = "SOCKMAPD_TEST_PG_IMAGE";
  public static final String MARIADB_IMAGE = "SOCKMAPD_TEST_MARIADB_IMAGE";

  /**
   * {@code true}: Docker is part of the environment (CI sets it), so a test that needs containers
   * fails when no engine answers instead of being skipped.
   */
  public static final String REQUIRED = "SOCKMAPD_TEST_CONTAINERS";

  public static final String LABEL = "io.sockmapd.test";

  private static final Map<DatabaseType, GenericContainer<?>> STARTED =
      new EnumMap<>(DatabaseType.class);
  private static final List<GenericContainer<?>> EXIT_STOPS = new ArrayList<>();
  private static boolean hookAdded;

  private ContainerDatabases() {}

  /** The image for {@code variable}: environment first, then system property, then the default. */
  public static DockerImageName image(String variable, String publicName) {
    String configured = System.getenv(variable);
    if (configured == null || configured.isBlank()) {
      configured = System.getProperty(variable, publicName);
    }
    String official = publicName.substring(0, publicName.indexOf(':'));
    return DockerImageName.parse(configured).asCompatibleSubstituteFor(official);
  }

  /** The PostgreSQL image the tests start: {@code postgres:15} or its configured substitute. */
  public static DockerImageName postgresImage() {
    return image(PG_IMAGE, "postgres:15");
  }

  /** Whether a Docker engine answers (Testcontainers caches the answer). */
  public static boolean dockerAnswers() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  /**
   * Skips the calling test when no Docker engine answers; fails it instead when containers are
   * {@linkplain #REQUIRED required} and {@code CI=true}.
   */
  public static void requireDocker(String why) {
    if (dockerAnswers()) {
      return;
    }
    String message = why + ": no Docker engine answers";
    if (isTrue("CI") && isTrue(REQUIRED)) {
      Assertions.fail(message + " (CI=true and " + REQUIRED + "=true: a failure)");
    }
    Assumptions.abort(message);
  }

  /** Whether the environment variable {@code name} is {@code true}. */
  public static boolean isTrue(String name) {
    return "true".equalsIgnoreCase(System.getenv(name));
  }

  /**
   * Admin options (a superuser that may {@code CREATE DATABASE}) for the shared container of {@code
   * type}, starting it on first use. Callers check {@link #dockerAnswers()} first.
   */
  public static synchronized SqlConnectOptions admin(DatabaseType type) {
    GenericContainer<?> container = STARTED.get(type);
    if (container == null) {
      container = start(type);
      STARTED.put(type, container);
    }
    String host = container.getHost();
    return switch (type) {
      case POSTGRESQL -> {
        PostgreSQLContainer pg = (PostgreSQLContainer) container;
        yield new PgConnectOptions()
            .setHost(host)
            .setPort(pg.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT))
            .setUser(pg.getUsername())
            .setPassword(pg.getPassword())
            .setDatabase("postgres");
      }
      case MYSQL -> {
        MariaDBContainer maria = (MariaDBContainer) container;
        yield new MySQLConnectOptions()
            .setHost(host)
            .setPort(maria.getMappedPort(3306))
            .setUser(maria.getUsername())
            .setPassword(maria.getPassword())
            .setDatabase(maria.getDatabaseName());
      }
      case SQLITE -> throw new IllegalArgumentException("SQLite needs no container");
      case HTTP -> throw new IllegalArgumentException("not a SQL database");
    };
  }

  private static GenericContainer<?> start(DatabaseType type) {
    GenericContainer<?> container =
        switch (type) {
          case POSTGRESQL -> new PostgreSQLContainer(postgresImage());
          // root: the tests create a database per class.
          case MYSQL ->
              new MariaDBContainer(image(MARIADB_IMAGE, "mariadb:10.11")).withUsername("root");
          case SQLITE -> throw new IllegalArgumentException("SQLite needs no container");
          case HTTP -> throw new IllegalArgumentException("not a SQL database");
        };
    container.withLabel(LABEL, "true");
    stopAtExit(container);
    container.start();
    return container;
  }

  /** Stops {@code container} when the JVM exits (the reaper may be off). */
  public static synchronized void stopAtExit(GenericContainer<?> container) {
    if (!hookAdded) {
      hookAdded = true;
      Runtime.getRuntime()
          .addShutdownHook(new Thread(ContainerDatabases::stopAll, "stop-test-containers"));
    }
    EXIT_STOPS.add(container);
  }

  private static void stopAll() {
    List<GenericContainer<?>> containers;
    synchronized (ContainerDatabases.class) {
      containers = new ArrayList<>(EXIT_STOPS);
    }
    containers.forEach(GenericContainer::stop);
  }
}

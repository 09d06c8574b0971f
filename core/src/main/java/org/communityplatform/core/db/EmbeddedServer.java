package org.communityplatform.core.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The embedded PostgreSQL (zonky's binaries), started durable and private. Blocking: call from a
 * worker thread.
 *
 * <ul>
 *   <li>Durable: zonky starts postgres with {@code -F} (fsync off) and {@code synchronous_commit=off},
 *       the settings of a throw-away test server. Its {@code -c} options come after {@code -F} on
 *       the command line and a later setting of the same source wins, so {@code fsync=on},
 *       {@code synchronous_commit=on} and {@code full_page_writes=on} are passed explicitly.</li>
 *   <li>Private: zonky's {@code initdb} trusts every local connection. At each start, before the
 *       postmaster runs, {@code pg_hba.conf} is rewritten to SCRAM password authentication over
 *       loopback TCP only (Unix sockets have no entry, so they are refused), and the superuser gets
 *       a generated password (set in single-user mode, kept in {@value #PASSWORD_FILE} in the data
 *       directory, mode 600).</li>
 *   <li>Stale postmaster: a platform killed with {@code kill -9} leaves its postmaster running and
 *       its {@code postmaster.pid} in the data directory. At the next start that postmaster is
 *       asked for a fast shutdown (SIGINT; SIGKILL after 30 s) before a new one starts.</li>
 * </ul>
 */
final class EmbeddedServer {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
  static final String PASSWORD_FILE = "platform-password";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final EmbeddedPostgres pg;
  private final String password;
  private final long postmasterPid;

  private EmbeddedServer(Path dir, EmbeddedPostgres pg, String password, long postmasterPid) {
    this.dir = dir;
    this.pg = pg;
    this.password = password;
    this.postmasterPid = postmasterPid;
  }

  /** Starts the server on {@code dir} (created and initialised when new) and {@code port} (0: a free one). */
  static EmbeddedServer start(Path dir, int port) throws IOException {
    Files.createDirectories(dir.getParent());
    notInUse(dir);
    stopStale(dir);
    String[] password = new String[1];
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
      .setDataDirectory(dir)
      .setCleanDataDirectory(false)
      // the platform stops the server itself, last, after the HTTP drain; the library's own JVM shutdown
      // hook would kill it at SIGTERM while requests in flight still need it
      .setRegisterShutdownHook(false)
      .setPort(port)
      .setServerConfig("max_connections", "300")
      .setServerConfig("fsync", "on")
      .setServerConfig("synchronous_commit", "on")
      .setServerConfig("full_page_writes", "on")
      .setServerConfig("listen_addresses", "127.0.0.1")
      .setServerConfig("password_encryption", "scram-sha-256")
      .setDataDirectoryCustomizer(d -> password[0] = secure(d.toPath()))
      .setConnectConfig("password", readPasswordOrPlaceholder(dir))
      .start();
    return new EmbeddedServer(dir, pg, password[0], readPid(dir).orElse(-1L));
  }

  int port() {
    return pg.getPort();
  }

  String password() {
    return password;
  }

  Path dir() {
    return dir;
  }

  /** Whether the postmaster this object started still runs. */
  boolean alive() {
    return postmasterPid > 0 && ProcessHandle.of(postmasterPid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Stops the postmaster (fast shutdown) and releases the data directory. */
  void close() throws IOException {
    pg.close();
  }

  /**
   * zonky checks readiness with a JDBC login, so it needs the password before the customizer has
   * run; on a new data directory the customizer writes the same value it finds here.
   */
  private static String readPasswordOrPlaceholder(Path dir) throws IOException {
    Path file = dir.resolve(PASSWORD_FILE);
    if (Files.isRegularFile(file)) {
      return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }
    Path pending = dir.getParent().resolve("." + dir.getFileName() + "." + PASSWORD_FILE);
    if (!Files.isRegularFile(pending)) {
      writePrivate(pending, generatePassword());
    }
    return Files.readString(pending, StandardCharsets.US_ASCII).trim();
  }

  /** Rewrites pg_hba.conf and makes sure the superuser has the password of the password file. */
  private static String secure(Path dir) {
    try {
      Files.writeString(dir.resolve("pg_hba.conf"), String.join("\n",
        "# Written by the platform at every start: SCRAM passwords, loopback TCP only; no trust, no Unix socket.",
        "host all all 127.0.0.1/32 scram-sha-256",
        "host all all ::1/128 scram-sha-256", ""), StandardCharsets.US_ASCII);
      Path file = dir.resolve(PASSWORD_FILE);
      if (Files.isRegularFile(file)) {
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
      }
      Path pending = dir.getParent().resolve("." + dir.getFileName() + "." + PASSWORD_FILE);
      String password = Files.readString(pending, StandardCharsets.US_ASCII).trim();
      setSuperuserPassword(dir, password);
      // kept only once the server has it, so a crash in between makes the next start set it again
      Path tmp = dir.resolve(PASSWORD_FILE + ".tmp");
      writePrivate(tmp, password);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Files.deleteIfExists(pending);
      LOG.info("embedded PostgreSQL: generated the superuser password, kept in {}", file);
      return password;
    } catch (IOException e) {
      throw new IllegalStateException("cannot secure the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Sets the password in single-user mode: no server is listening, so nothing else can connect meanwhile. */
  private static void setSuperuserPassword(Path dir, String password) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (LinuxUtils.isUnshareAvailable()) {
      // as zonky does: postgres refuses to run as root, and a user namespace makes it someone else
      cmd.addAll(List.of("unshare", "-U"));
    }
    cmd.add(new File(binaries(), "bin/postgres").getPath());
    cmd.addAll(List.of("--single", "-D", dir.toString(), "-c", "password_encryption=scram-sha-256", "postgres"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(("ALTER ROLE postgres WITH PASSWORD '" + password + "';\n").getBytes(StandardCharsets.US_ASCII));
    }
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("postgres --single did not set the password (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while setting the password", e);
    }
  }

  /** Where zonky unpacked the PostgreSQL binaries (it keeps the directory in a private static map). */
  @SuppressWarnings("unchecked")
  private static File binaries() throws IOException {
    try {
      Field f = EmbeddedPostgres.class.getDeclaredField("PREPARE_BINARIES");
      f.setAccessible(true);
      Map<Object, File> dirs = (Map<Object, File>) f.get(null);
      synchronized (dirs) {
        return dirs.values().stream().filter(File::isDirectory).findFirst()
          .orElseThrow(() -> new IOException("the PostgreSQL binaries are not unpacked"));
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IOException("cannot find the PostgreSQL binaries: " + e, e);
    }
  }

  /**
   * Stops a postmaster left running on {@code dir} by a platform that was killed, so that the new
   * one can start on the first try. A {@code postmaster.pid} naming a process that is gone, or is
   * not a postgres, is left to postgres (which ignores it) or removed.
   */
  /**
   * Refuses a data directory that another running process holds: zonky keeps an exclusive lock on
   * {@code epg-lock} in it for as long as its server runs, so a postmaster found there while the lock
   * is held belongs to a live node, not to a killed one, and must not be stopped.
   *
   * @throws org.communityplatform.core.config.ConfigException naming the directory when it is in use
   */
  static void notInUse(Path dir) throws IOException {
    Path lockFile = dir.resolve("epg-lock");
    if (!Files.isRegularFile(lockFile)) {
      return;
    }
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile, java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.channels.FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        return; // held by this process: its own server, being restarted after it died
      }
      if (lock == null) {
        throw new org.communityplatform.core.config.ConfigException("the embedded PostgreSQL data directory " + dir
          + " is in use by another running platform process; stop that one first, or give this node its own"
          + " data.dir (or db.embedded.dir)");
      }
      lock.release();
    }
  }

  static void stopStale(Path dir) throws IOException {
    Optional<Long> pid = readPid(dir);
    if (pid.isEmpty()) {
      return;
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
    if (handle.isEmpty()) {
      return;
    }
    String command = handle.get().info().command().orElse("");
    if (!command.endsWith("postgres")) {
      // the number was reused by an unrelated process: postgres would refuse to start while it lives
      Files.deleteIfExists(dir.resolve("postmaster.pid"));
      return;
    }
    LOG.warn("a postmaster (pid {}) left by an earlier run still serves {}: stopping it", pid.get(), dir);
    new ProcessBuilder("kill", "-INT", Long.toString(pid.get())).redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      handle.get().onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("the stale postmaster {} did not stop within 30 s: killing it", pid.get());
      handle.get().destroyForcibly();
      try {
        handle.get().onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // reported by the start that follows
      }
    }
  }

  private static Optional<Long> readPid(Path dir) {
    Path file = dir.resolve("postmaster.pid");
    try {
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      String first = Files.readAllLines(file, StandardCharsets.US_ASCII).stream().findFirst().orElse("").trim();
      return first.matches("\\d{1,10}") ? Optional.of(Long.parseLong(first)) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String generatePassword() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void writePrivate(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.writeString(file, content, StandardCharsets.US_ASCII);
  }
}

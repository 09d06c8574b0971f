package org.communityplatform.core.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Guards the embedded PostgreSQL's data directory: a directory written by another major version
 * (its {@code PG_VERSION} file) cannot be opened by the bundled server, which would fail with a
 * cryptic log line; it is refused up front with what to do instead.
 */
public final class EmbeddedDataDir {

  /** The major version of the bundled binaries (io.zonky.test.postgres 17.x). */
  public static final int BUNDLED_MAJOR = 17;

  private EmbeddedDataDir() {
  }

  /**
   * Checks {@code dir}; an empty or missing directory is fine (initdb makes a new one).
   *
   * @throws IllegalStateException naming the versions and the ways to move the data over
   */
  public static void check(Path dir) {
    Path versionFile = dir.resolve("PG_VERSION");
    if (!Files.isRegularFile(versionFile)) {
      return;
    }
    String found;
    try {
      found = Files.readString(versionFile, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + versionFile + ": " + e.getMessage(), e);
    }
    if (found.equals(String.valueOf(BUNDLED_MAJOR))) {
      return;
    }
    throw new IllegalStateException("the embedded database in " + dir + " was written by PostgreSQL " + found
      + ", and this release runs PostgreSQL " + BUNDLED_MAJOR + ", which cannot open it. Either: start the previous "
      + "release once more and save the data with pg_dump, move " + dir + " aside, start this release and load the "
      + "dump with psql/pg_restore; or convert the directory with pg_upgrade (both versions' binaries needed); or "
      + "point db.url at an external PostgreSQL. Step by step: docs/OPERATIONS.md, \"Upgrading PostgreSQL\".");
  }
}

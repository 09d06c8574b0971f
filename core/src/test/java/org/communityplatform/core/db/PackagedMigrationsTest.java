package org.communityplatform.core.db;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged migration versions that let a restart skip Flyway when the history has them all. */
class PackagedMigrationsTest {

  @Test
  void versionsOfADirectoryOnTheClassPath() {
    assertThat(PackagedMigrations.versions(getClass().getClassLoader(), "db/platform")).contains("1", "2", "3", "4");
    assertThat(PackagedMigrations.versions(getClass().getClassLoader(), "db/no-such-module")).isNull();
  }

  @Test
  void versionsInsideAJarAndUnusualNamesLeftToFlyway() throws IOException {
    Path jar = Files.createTempFile("migrations", ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String n : new String[] {"db/", "db/a/", "db/a/V1__one.sql", "db/a/V2_1__two.sql", "db/b/", "db/b/V1__x.sql",
        "db/b/R__again.sql"}) {
        out.putNextEntry(new JarEntry(n));
        if (!n.endsWith("/")) {
          OutputStream o = out;
          o.write("SELECT 1;".getBytes());
        }
        out.closeEntry();
      }
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      assertThat(PackagedMigrations.versions(loader, "db/a")).containsExactly("1", "2.1");
      // a repeatable migration: only Flyway knows what to do with it
      assertThat(PackagedMigrations.versions(loader, "db/b")).isNull();
    } finally {
      Files.deleteIfExists(jar);
    }
  }
}

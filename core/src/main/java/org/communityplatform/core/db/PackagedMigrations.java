package org.communityplatform.core.db;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The versions of the Flyway migrations packaged at a class-path location ({@code V<version>__<name>.sql}),
 * found without Flyway: the jar's entry names are read once per jar and shared by every schema, where
 * Flyway scans the whole jar again for each location. {@link Database#migrate} compares them with a
 * schema's history to skip Flyway (its scan and validation) when nothing is left to apply.
 */
final class PackagedMigrations {

  private static final Pattern VERSIONED = Pattern.compile("V([0-9][0-9._]*)__[^/]*\\.sql");
  private static final Map<String, List<String>> JAR_ENTRIES = new ConcurrentHashMap<>();

  private PackagedMigrations() {
  }

  /**
   * The versions (as Flyway records them: underscores read as dots) of {@code location}, or null when
   * they cannot be told this way (not a jar or directory, a repeatable or otherwise unusual migration
   * there): then Flyway decides.
   */
  static Set<String> versions(ClassLoader loader, String location) {
    try {
      URL url = loader.getResource(location);
      if (url == null) {
        return null;
      }
      List<String> names = new ArrayList<>();
      if ("jar".equals(url.getProtocol())) {
        JarURLConnection c = (JarURLConnection) url.openConnection();
        String jar = c.getJarFileURL().toURI().getPath();
        String prefix = location.endsWith("/") ? location : location + "/";
        for (String e : JAR_ENTRIES.computeIfAbsent(jar, PackagedMigrations::entries)) {
          if (e.startsWith(prefix) && e.length() > prefix.length()) {
            names.add(e.substring(prefix.length()));
          }
        }
      } else if ("file".equals(url.getProtocol())) {
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
          files.forEach(f -> names.add(f.getFileName().toString() + (Files.isDirectory(f) ? "/" : "")));
        }
      } else {
        return null;
      }
      Set<String> versions = new TreeSet<>();
      for (String n : names) {
        Matcher m = VERSIONED.matcher(n);
        if (!m.matches()) {
          return null;
        }
        versions.add(m.group(1).replace('_', '.'));
      }
      return versions;
    } catch (IOException | URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  private static List<String> entries(String jarPath) {
    List<String> out = new ArrayList<>();
    try (JarFile jar = new JarFile(jarPath)) {
      Enumeration<JarEntry> en = jar.entries();
      while (en.hasMoreElements()) {
        String n = en.nextElement().getName();
        if (n.startsWith("db/")) {
          out.add(n);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}

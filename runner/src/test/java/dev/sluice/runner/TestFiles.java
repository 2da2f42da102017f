package dev.sluice.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test data under src/test/resources, found through the sluice.runner.testdata property. */
final class TestFiles {
  private TestFiles() {}

  static Path path(String name) {
    return Path.of(System.getProperty("sluice.runner.testdata"), name);
  }

  static byte[] read(String name) throws IOException {
    return Files.readAllBytes(path(name));
  }
}

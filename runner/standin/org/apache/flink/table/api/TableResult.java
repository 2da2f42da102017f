package org.apache.flink.table.api;

import java.util.Optional;
import org.apache.flink.core.execution.JobClient;

/** Stand-in for Flink's TableResult. */
public interface TableResult {
  Optional<JobClient> getJobClient();
}

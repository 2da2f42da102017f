package org.apache.flink.core.execution;

import org.apache.flink.api.common.JobID;

/** Stand-in for Flink's JobClient. */
public interface JobClient {
  JobID getJobID();
}

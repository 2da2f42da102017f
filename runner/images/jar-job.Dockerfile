# A job image for a JAR job, as the platform Sluice grows from built it: Flink's image, the
# user JAR under usrlib, Hadoop configuration for HDFS checkpoints, extra JARs in lib.
#
#   build context: job/ with the JAR, hadoopconf/ (core-site.xml, hdfs-site.xml) and lib/
#   (for example flink-shaded-hadoop-2-uber-*.jar; may be empty)
#   docker build -f runner/images/jar-job.Dockerfile --build-arg JOB_JAR=TopSpeedWindowing.jar \
#     -t registry.example/top-speed:1 job/
#
# The job spec then says jar.jarURI: local:///opt/flink/usrlib/TopSpeedWindowing.jar.
ARG FLINK_IMAGE=flink:1.20.1-java11
FROM ${FLINK_IMAGE}
ARG JOB_JAR
RUN mkdir -p "$FLINK_HOME/usrlib" "$FLINK_HOME/hadoopconf"
COPY ${JOB_JAR} /opt/flink/usrlib/
COPY hadoopconf/ /opt/flink/hadoopconf/
COPY lib/ /opt/flink/lib/
ENV HADOOP_CONF_DIR=/opt/flink/hadoopconf

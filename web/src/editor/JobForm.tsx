// The job form's sections. Every control is bound to one field path of the spec, so that
// problems from the UI's checks and from the server show beside it.

import type { ReactNode } from 'react';
import type { Cluster } from '../api/types';
import type { OptionCatalog } from '../flink/catalog';
import type { FormState, KeyValue } from '../spec/form';
import {
  EXPOSURES,
  FLINK_VERSIONS,
  LOG_FILES,
  PULL_POLICIES,
  RESTORE_MODES,
  TARGETS,
  UPGRADE_MODES,
  clusterKindFor,
  isKubernetesTarget,
  needsImage,
  needsSessionCluster,
} from '../spec/types';
import { Field, fieldId, type FieldProblem } from '../ui/Field';
import { KeyValueEditor } from '../ui/KeyValueEditor';

export type Problems = (path: string) => FieldProblem[];
export type RowProblems = (path: string, key: string) => FieldProblem[];

export interface FormProps {
  form: FormState;
  set: (patch: Partial<FormState>) => void;
  problems: Problems;
  rowProblems: RowProblems;
  editing: boolean;
  teams: string[];
  clusters: Cluster[];
  catalog: OptionCatalog | null;
  catalogError: unknown;
  sqlSection: ReactNode;
}

function Section({ title, id, children, description }: { title: string; id: string; children: ReactNode; description?: string }) {
  return (
    <section className="form-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {description && <p className="muted">{description}</p>}
      <div className="form-grid">{children}</div>
    </section>
  );
}

function Select({
  value,
  onChange,
  options,
  empty,
  ...rest
}: {
  value: string;
  onChange: (v: string) => void;
  options: readonly string[];
  empty?: string;
}) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} {...rest}>
      {empty !== undefined && <option value="">{empty}</option>}
      {options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
      {value && !options.includes(value) && <option value={value}>{value}</option>}
    </select>
  );
}

function Text({
  value,
  onChange,
  placeholder,
  ...rest
}: {
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  inputMode?: 'numeric' | 'decimal';
}) {
  return <input value={value} placeholder={placeholder} spellCheck={false} onChange={(e) => onChange(e.target.value)} {...rest} />;
}

export function JobForm(p: FormProps) {
  const { form: f, set, problems } = p;
  const k8s = isKubernetesTarget(f.target || undefined);
  const clusterKind = clusterKindFor(f.target || undefined);
  const clusters = p.clusters.filter((c) => c.kind === clusterKind);
  const confProblems = (row: KeyValue) => p.rowProblems('spec.flinkConfiguration', row.key.trim());

  return (
    <>
      <Section title="Job" id="sec-job">
        <Field
          label="Name"
          path="metadata.name"
          problems={problems('metadata.name')}
          hint="Lower-case letters, digits and -; it names the Flink cluster."
        >
          <input
            value={f.name}
            onChange={(e) => set({ name: e.target.value })}
            readOnly={p.editing}
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
        <Field label="Team" path="metadata.team" problems={problems('metadata.team')}>
          <Select value={f.team} onChange={(team) => set({ team })} options={p.teams} empty="no team" />
        </Field>
        <Field label="Labels" path="metadata.labels" problems={problems('metadata.labels')} wide group>
          <div>
            <KeyValueEditor
              idPrefix={fieldId('metadata.labels')}
              rows={f.labels}
              onChange={(labels) => set({ labels })}
              addLabel="Add label"
            />
          </div>
        </Field>
      </Section>

      <section className="form-section" aria-labelledby="sec-program">
        <h2 id="sec-program">Program</h2>
        <div className="segmented" role="radiogroup" aria-label="What the job runs">
          {(
            [
              ['sql', 'SQL script'],
              ['jar', 'JAR'],
              ['sqlFile', 'SQL file (URI)'],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className={f.program === value ? 'on' : undefined}>
              <input type="radio" name="program" value={value} checked={f.program === value} onChange={() => set({ program: value })} />
              {label}
            </label>
          ))}
        </div>
        {f.program === 'sql' && p.sqlSection}
        <div className="form-grid">
          {f.program === 'sqlFile' && (
            <Field
              label="SQL file"
              path="spec.sqlFile"
              problems={problems('spec.sqlFile')}
              hint="A URI: s3://bucket/job.sql, hdfs://..., https://..."
              wide
            >
              <Text value={f.sqlFile} onChange={(sqlFile) => set({ sqlFile })} placeholder="s3://scripts/job.sql" />
            </Field>
          )}
          {f.program === 'jar' && (
            <>
              <Field
                label="JAR"
                path="spec.jar.jarURI"
                problems={problems('spec.jar.jarURI')}
                hint="local:///opt/flink/usrlib/app.jar for a JAR in the image, or s3://, hdfs://, https://"
                wide
              >
                <Text value={f.jarURI} onChange={(jarURI) => set({ jarURI })} placeholder="local:///opt/flink/usrlib/app.jar" />
              </Field>
              <Field
                label="Entry class"
                path="spec.jar.entryClass"
                problems={problems('spec.jar.entryClass')}
                hint="Leave empty to use the JAR's manifest."
              >
                <Text value={f.entryClass} onChange={(entryClass) => set({ entryClass })} placeholder="com.example.Job" />
              </Field>
              <Field label="Arguments" path="spec.jar.args" problems={problems('spec.jar.args')} hint="One argument a line.">
                <textarea rows={3} value={f.args} spellCheck={false} onChange={(e) => set({ args: e.target.value })} />
              </Field>
            </>
          )}
          <Field
            label="Dependency JARs"
            path="spec.dependencies"
            problems={problems('spec.dependencies')}
            hint="Connectors and UDFs, one URI a line (local:///opt/flink/usrlib/deps/x.jar, s3://...)."
            wide
          >
            <textarea rows={3} value={f.dependencies} spellCheck={false} onChange={(e) => set({ dependencies: e.target.value })} />
          </Field>
        </div>
      </section>

      <Section title="Where it runs" id="sec-where">
        <Field label="Target" path="spec.target" problems={problems('spec.target')}>
          <Select value={f.target} onChange={(target) => set({ target })} options={TARGETS} />
        </Field>
        {clusterKind && (
          <Field
            label="Cluster"
            path="spec.cluster"
            problems={problems('spec.cluster')}
            hint={clusters.length === 0 ? `No ${clusterKind} cluster is registered; register one under Clusters.` : undefined}
          >
            <Select value={f.cluster} onChange={(cluster) => set({ cluster })} options={clusters.map((c) => c.name)} empty="choose…" />
          </Field>
        )}
        {needsSessionCluster(f.target) && (
          <Field
            label="Session cluster"
            path="spec.sessionCluster"
            problems={problems('spec.sessionCluster')}
            hint={f.target === 'yarn-session' ? 'The YARN application id.' : 'The session cluster id.'}
          >
            <Text value={f.sessionCluster} onChange={(sessionCluster) => set({ sessionCluster })} />
          </Field>
        )}
        {k8s && (
          <>
            <Field label="Namespace" path="spec.namespace" problems={problems('spec.namespace')} hint="Default: default.">
              <Text value={f.namespace} onChange={(namespace) => set({ namespace })} placeholder="default" />
            </Field>
            <Field
              label="Image"
              path="spec.image"
              problems={problems('spec.image')}
              hint={needsImage(f.target || undefined) ? 'Required for this target: the JobManager and TaskManager image.' : undefined}
              wide
            >
              <Text value={f.image} onChange={(image) => set({ image })} placeholder="registry.example.com/team/flink-job:1.0" />
            </Field>
            <Field label="Image pull policy" path="spec.imagePullPolicy" problems={problems('spec.imagePullPolicy')}>
              <Select
                value={f.imagePullPolicy}
                onChange={(imagePullPolicy) => set({ imagePullPolicy })}
                options={PULL_POLICIES}
                empty="default (IfNotPresent)"
              />
            </Field>
            <Field label="Service account" path="spec.serviceAccount" problems={problems('spec.serviceAccount')}>
              <Text value={f.serviceAccount} onChange={(serviceAccount) => set({ serviceAccount })} placeholder="flink" />
            </Field>
            <Field label="REST service" path="spec.restService.exposure" problems={problems('spec.restService.exposure')}>
              <Select value={f.exposure} onChange={(exposure) => set({ exposure })} options={EXPOSURES} empty="default (ClusterIP)" />
            </Field>
          </>
        )}
      </Section>

      <Section title="Flink and resources" id="sec-flink">
        <Field label="Flink version" path="spec.flinkVersion" problems={problems('spec.flinkVersion')}>
          <Select value={f.flinkVersion} onChange={(flinkVersion) => set({ flinkVersion })} options={FLINK_VERSIONS} />
        </Field>
        <Field label="Parallelism" path="spec.parallelism" problems={problems('spec.parallelism')}>
          <Text value={f.parallelism} onChange={(parallelism) => set({ parallelism })} inputMode="numeric" />
        </Field>
        <Field label="JobManager CPU" path="spec.jobManager.resource.cpu" problems={problems('spec.jobManager.resource.cpu')}>
          <Text value={f.jmCpu} onChange={(jmCpu) => set({ jmCpu })} inputMode="decimal" placeholder="1" />
        </Field>
        <Field label="JobManager memory" path="spec.jobManager.resource.memory" problems={problems('spec.jobManager.resource.memory')}>
          <Text value={f.jmMemory} onChange={(jmMemory) => set({ jmMemory })} placeholder="1600m" />
        </Field>
        <Field
          label="JobManager replicas"
          path="spec.jobManager.replicas"
          problems={problems('spec.jobManager.replicas')}
          hint="More than 1 needs high availability."
        >
          <Text value={f.jmReplicas} onChange={(jmReplicas) => set({ jmReplicas })} inputMode="numeric" placeholder="1" />
        </Field>
        <Field label="TaskManager CPU" path="spec.taskManager.resource.cpu" problems={problems('spec.taskManager.resource.cpu')}>
          <Text value={f.tmCpu} onChange={(tmCpu) => set({ tmCpu })} inputMode="decimal" placeholder="1" />
        </Field>
        <Field label="TaskManager memory" path="spec.taskManager.resource.memory" problems={problems('spec.taskManager.resource.memory')}>
          <Text value={f.tmMemory} onChange={(tmMemory) => set({ tmMemory })} placeholder="1728m" />
        </Field>
        <Field label="Slots per TaskManager" path="spec.taskManager.slots" problems={problems('spec.taskManager.slots')}>
          <Text value={f.tmSlots} onChange={(tmSlots) => set({ tmSlots })} inputMode="numeric" placeholder="1" />
        </Field>
        <Field
          label="TaskManagers"
          path="spec.taskManager.replicas"
          problems={problems('spec.taskManager.replicas')}
          hint="Empty: Flink derives it from parallelism and slots."
        >
          <Text value={f.tmReplicas} onChange={(tmReplicas) => set({ tmReplicas })} inputMode="numeric" />
        </Field>
        <Field
          label="Flink options"
          path="spec.flinkConfiguration"
          problems={problems('spec.flinkConfiguration')}
          wide
          group
          hint={
            p.catalog
              ? `Checked against the ${p.catalog.options.length} options of Flink ${p.catalog.version} as you type.`
              : p.catalogError
                ? 'The option catalog is unavailable; keys and values are checked when you save.'
                : undefined
          }
        >
          <div>
            <datalist id="flink-option-keys">
              {p.catalog?.options
                .filter((o) => !o.key.includes('<'))
                .map((o) => (
                  <option key={o.key} value={o.key} />
                ))}
            </datalist>
            <KeyValueEditor
              idPrefix={fieldId('spec.flinkConfiguration')}
              rows={f.flinkConfiguration}
              onChange={(flinkConfiguration) => set({ flinkConfiguration })}
              keyLabel="Option"
              keyList="flink-option-keys"
              problemsFor={confProblems}
              addLabel="Add option"
            />
          </div>
        </Field>
      </Section>

      <Section title="State and restarts" id="sec-state">
        <Field
          label="Upgrade mode"
          path="spec.upgradeMode"
          problems={problems('spec.upgradeMode')}
          hint="How a new version replaces the running one."
        >
          <Select
            value={f.upgradeMode}
            onChange={(upgradeMode) => set({ upgradeMode })}
            options={UPGRADE_MODES}
            empty="default (stateless)"
          />
        </Field>
        <Field label="Savepoint directory" path="spec.savepointDirectory" problems={problems('spec.savepointDirectory')} wide>
          <Text
            value={f.savepointDirectory}
            onChange={(savepointDirectory) => set({ savepointDirectory })}
            placeholder="s3://flink-state/job/savepoints"
          />
        </Field>
        <Field label="Checkpoint directory" path="spec.checkpointDirectory" problems={problems('spec.checkpointDirectory')} wide>
          <Text
            value={f.checkpointDirectory}
            onChange={(checkpointDirectory) => set({ checkpointDirectory })}
            placeholder="s3://flink-state/job/checkpoints"
          />
        </Field>
        <Field
          label="Restore"
          path="spec.restore.mode"
          problems={problems('spec.restore.mode')}
          hint="auto: from the latest savepoint or checkpoint Sluice recorded."
        >
          <Select value={f.restoreMode} onChange={(restoreMode) => set({ restoreMode })} options={RESTORE_MODES} empty="default (auto)" />
        </Field>
        {(f.restoreMode === 'path' || f.restoreMode === 'auto' || f.restorePath) && (
          <Field label="Restore path" path="spec.restore.path" problems={problems('spec.restore.path')} wide>
            <Text
              value={f.restorePath}
              onChange={(restorePath) => set({ restorePath })}
              placeholder="s3://flink-state/job/savepoints/savepoint-..."
            />
          </Field>
        )}
        <Field
          label="Allow non-restored state"
          path="spec.restore.allowNonRestoredState"
          problems={problems('spec.restore.allowNonRestoredState')}
        >
          <Select
            value={f.allowNonRestoredState}
            onChange={(v) => set({ allowNonRestoredState: v as FormState['allowNonRestoredState'] })}
            options={['true', 'false']}
            empty="default (false)"
          />
        </Field>
        <Field
          label="Restarts allowed"
          path="spec.restartPolicy.maxRestarts"
          problems={problems('spec.restartPolicy.maxRestarts')}
          hint="Within the window; -1: no limit. Default 5."
        >
          <Text value={f.maxRestarts} onChange={(maxRestarts) => set({ maxRestarts })} inputMode="numeric" placeholder="5" />
        </Field>
        <Field label="Restart window" path="spec.restartPolicy.window" problems={problems('spec.restartPolicy.window')}>
          <Text value={f.restartWindow} onChange={(restartWindow) => set({ restartWindow })} placeholder="1 h" />
        </Field>
        <Field label="Restart backoff" path="spec.restartPolicy.backoff" problems={problems('spec.restartPolicy.backoff')}>
          <Text value={f.restartBackoff} onChange={(restartBackoff) => set({ restartBackoff })} placeholder="30 s" />
        </Field>
        <Field
          label="Savepoint every"
          path="spec.savepointSchedule.interval"
          problems={problems('spec.savepointSchedule.interval')}
          hint="Empty: no scheduled savepoints."
        >
          <Text value={f.savepointInterval} onChange={(savepointInterval) => set({ savepointInterval })} placeholder="6 h" />
        </Field>
        <Field label="Savepoints kept" path="spec.savepointSchedule.retain" problems={problems('spec.savepointSchedule.retain')}>
          <Text value={f.savepointRetain} onChange={(savepointRetain) => set({ savepointRetain })} inputMode="numeric" />
        </Field>
        <Field label="Desired state" path="spec.state" problems={problems('spec.state')}>
          <Select value={f.state} onChange={(state) => set({ state })} options={['running', 'suspended']} empty="default (running)" />
        </Field>
      </Section>

      <details className="form-section advanced">
        <summary>
          <h2>Advanced: environment, pod templates, logging</h2>
        </summary>
        <div className="form-grid">
          <Field
            label="Environment variables"
            path="spec.env"
            problems={problems('spec.env')}
            hint="Values of names containing PASSWORD, SECRET or TOKEN are hidden as you type."
            wide
            group
          >
            <div>
              <KeyValueEditor
                idPrefix={fieldId('spec.env')}
                rows={f.env}
                onChange={(env) => set({ env })}
                keyLabel="Name"
                problemsFor={(r) => p.rowProblems('spec.env', r.key.trim())}
                addLabel="Add variable"
              />
            </div>
          </Field>
          {k8s && (
            <>
              <Field
                label="Pod template (JSON)"
                path="spec.podTemplate"
                problems={problems('spec.podTemplate')}
                hint="A Kubernetes pod template for JobManager and TaskManagers."
                wide
              >
                <textarea
                  rows={5}
                  className="mono"
                  value={f.podTemplate}
                  spellCheck={false}
                  onChange={(e) => set({ podTemplate: e.target.value })}
                />
              </Field>
              <Field
                label="JobManager pod template (JSON)"
                path="spec.jobManager.podTemplate"
                problems={problems('spec.jobManager.podTemplate')}
                wide
              >
                <textarea
                  rows={3}
                  className="mono"
                  value={f.jmPodTemplate}
                  spellCheck={false}
                  onChange={(e) => set({ jmPodTemplate: e.target.value })}
                />
              </Field>
              <Field
                label="TaskManager pod template (JSON)"
                path="spec.taskManager.podTemplate"
                problems={problems('spec.taskManager.podTemplate')}
                wide
              >
                <textarea
                  rows={3}
                  className="mono"
                  value={f.tmPodTemplate}
                  spellCheck={false}
                  onChange={(e) => set({ tmPodTemplate: e.target.value })}
                />
              </Field>
            </>
          )}
          <Field
            label="Log configuration"
            path="spec.logConfiguration"
            problems={problems('spec.logConfiguration')}
            hint={`File names: ${LOG_FILES.join(', ')}.`}
            wide
            group
          >
            <div>
              <KeyValueEditor
                idPrefix={fieldId('spec.logConfiguration')}
                rows={f.logConfiguration}
                onChange={(logConfiguration) => set({ logConfiguration })}
                keyLabel="File"
                valueLabel="Content"
                multilineValues
                addLabel="Add file"
              />
            </div>
          </Field>
        </div>
      </details>
    </>
  );
}

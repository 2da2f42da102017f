// Flink's value syntaxes, as Flink parses them (TimeUtils, MemorySize) and Kubernetes
// quantities, for checks while the user types. The server checks again on save.

const DURATION_UNITS = [
  'ns',
  'nano',
  'nanos',
  'nanosecond',
  'nanoseconds',
  'µs',
  'us',
  'micro',
  'micros',
  'microsecond',
  'microseconds',
  'ms',
  'milli',
  'millis',
  'millisecond',
  'milliseconds',
  's',
  'sec',
  'secs',
  'second',
  'seconds',
  'm',
  'min',
  'mins',
  'minute',
  'minutes',
  'h',
  'hour',
  'hours',
  'd',
  'day',
  'days',
];

const MEMORY_UNITS = ['b', 'bytes', 'k', 'kb', 'kibibytes', 'm', 'mb', 'mebibytes', 'g', 'gb', 'gibibytes', 't', 'tb', 'tebibytes'];

const DURATION_RE = new RegExp(`^\\d+\\s*(${DURATION_UNITS.join('|')})?$`, 'i');
const FLINK_MEMORY_RE = new RegExp(`^\\d+\\s*(${MEMORY_UNITS.join('|')})?$`, 'i');
const K8S_QUANTITY_RE = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)$/;

export function isDuration(v: string): boolean {
  return DURATION_RE.test(v.trim());
}

// Flink's MemorySize: a whole number and an optional unit (powers of 1024).
export function isFlinkMemorySize(v: string): boolean {
  return FLINK_MEMORY_RE.test(v.trim());
}

// A JobManager/TaskManager memory field: a Flink size or a Kubernetes quantity.
export function isMemory(v: string): boolean {
  const t = v.trim();
  return isFlinkMemorySize(t) || K8S_QUANTITY_RE.test(t);
}

export function isInteger(v: string): boolean {
  return /^[+-]?\d+$/.test(v.trim());
}

export function isNumber(v: string): boolean {
  const t = v.trim();
  return t !== '' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t);
}

const INT32_MAX = 2147483647n;
const INT64_MAX = 9223372036854775807n;

function inRange(v: string, max: bigint): boolean {
  const n = BigInt(v.trim());
  return n <= max && n >= -max - 1n;
}

// A URI with a scheme (local:///..., s3://..., hdfs://..., file://..., https://...).
export function hasScheme(v: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(v.trim());
}

// Why a URI is not acceptable, or null.
export function uriProblem(v: string): string | null {
  const t = v.trim();
  if (hasScheme(t)) return null;
  if (t.startsWith('/')) return `needs a scheme: write local://${t} for a file in the image`;
  return 'needs a scheme, such as local:///opt/flink/usrlib/app.jar, s3://bucket/path or hdfs://...';
}

// DNS-1035 label: a job's name becomes the Flink cluster id.
export function dns1035Problem(v: string, max = 63): string | null {
  if (v === '') return 'is required';
  if (v.length > max) return `is ${v.length} characters long; at most ${max} are allowed`;
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(v)) {
    return 'must start with a lower-case letter and hold only lower-case letters, digits and "-" (not at the end)';
  }
  return null;
}

// A value of an option of Flink type `type` ("Duration", "List<String>", ...); null when fine.
export function optionValueProblem(type: string, value: string, values?: string[]): string | null {
  const v = value.trim();
  const list = /^List<(.+)>$/.exec(type);
  if (list) {
    if (v === '') return null;
    for (const item of v.split(';')) {
      const p = optionValueProblem(list[1], item, values);
      if (p) return `item "${item.trim()}" ${p}`;
    }
    return null;
  }
  switch (type) {
    case 'Boolean':
      return /^(true|false)$/i.test(v) ? null : 'must be true or false';
    case 'Integer':
      return isInteger(v) && inRange(v, INT32_MAX) ? null : 'must be a whole number (32 bit)';
    case 'Long':
      return isInteger(v) && inRange(v, INT64_MAX) ? null : 'must be a whole number';
    case 'Float':
    case 'Double':
      return isNumber(v) ? null : 'must be a number';
    case 'Duration':
      return isDuration(v) ? null : 'must be a duration such as 30 s, 5 min, 1 h or 500 ms';
    case 'MemorySize':
      return isFlinkMemorySize(v) ? null : 'must be a memory size such as 512m, 2g or 1024 kb';
    case 'Enum':
      if (!values || values.length === 0) return null;
      return values.some((x) => x.toLowerCase() === v.toLowerCase()) ? null : `must be one of ${values.join(', ')}`;
    case 'Map':
      if (v === '') return null;
      return v.split(',').every((kv) => /^[^:]+:.*$/.test(kv.trim())) ? null : 'must be key:value pairs separated by commas';
    default:
      return null;
  }
}

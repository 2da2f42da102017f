// Flink SQL for CodeMirror: keywords of Calcite's grammar and Flink's extensions, Flink's
// data types and common built-in functions, back-quoted identifiers, `--`, `//` and
// `/* */` comments. Highlighting only; the server's analyzer says what is valid.

import { SQLDialect } from '@codemirror/lang-sql';

const KEYWORDS = `
a absolute action add after all allocate allow alter analyze and any are array as asc assertion
at authorization avg begin between bigint binary bit blob boolean both breadth buckets by call
called cascade cascaded case cast catalog catalogs char character check class clear clob close
coalesce collate collation column columns comment commit compact compile completion compute
condition connect connection connections constraint constraints constructor continue convert
corresponding count create cross cube current current_catalog current_database current_date
current_role current_time current_timestamp current_user cursor cycle data database databases
date day deallocate dec decimal declare default deferrable deferred define delete depth deref
desc describe descriptor deterministic diagnostics disconnect distinct distributed distribution
do domain double drop dynamic each else end enforced equals escape every except exception exec
execute exists explain extended external extract false fetch filter final first float following
for foreign format found freshness from full function functions general get global go goto grant
group grouping having help hold hop hour identity if ignore immediate in include increment index
indicator initially inner inout input insensitive insert int integer intersect interval into is
isolation iterate jar jars join json_execution_plan key keys language large last lateral leading
leave left level like limit load local localtime localtimestamp locator loop lower map match
match_recognize matched materialized max measures merge metadata method min minute mod model
models modifies module modules month multiset names national natural nchar nclob new next no none
not null nullif numeric object of offset old on one only open option options or order ordinality
out outer output over overlaps overwrite overwriting pad parameter partial partition partitioned
partitions past path pattern per permute plan position preceding precision prepare preserve primary
prior privileges procedure procedures proctime public python quit raw read reads real recursive
ref references referencing refresh refresh_mode relative release remove rename repeat replace
reset resize resolution restrict result resume return returns revoke right role rollback rollup
routine row rows savepoint scala schema scope scroll search second section select sensitive session
session_user set sets show signal similar size skip smallint some space specific specifictype sql
sqlexception sqlstate sqlwarning start state statement static stop structure submultiset subset
substring sum suspend symmetric system system_time system_user table tables tablesample temporary
then time timestamp timestamp_ltz timezone_hour timezone_minute tinyint to trailing transaction
translate translation treat trigger trim true truncate tumble cumulate under undo union unique
unknown unload unnest until update upper upsert usage use user using value values varbinary
varchar varying view views virtual watermark watermarks when whenever where while window with
within without work write year zone java
`;

const TYPES = `
array bigint binary boolean bytes char character date decimal dec double float int integer interval
map multiset numeric raw row smallint string time timestamp timestamp_ltz tinyint varbinary varchar
`;

const FUNCTIONS = `
abs acos ascii asin atan atan2 avg bin ceil ceiling char_length character_length coalesce collect
concat concat_ws convert_tz cos cot count cume_dist current_row_timestamp current_watermark date_format
date_add date_sub dayofmonth dayofweek dayofyear decode degrees dense_rank e encode exp extract
first_value floor from_base64 from_unixtime greatest hash_code hex if ifnull initcap instr is_alpha
is_decimal is_digit json_array json_arrayagg json_exists json_object json_objectagg json_query
json_string json_value lag last_value lead least left length listagg ln localtimestamp locate log
log10 log2 lower lpad ltrim max md5 min mod now nullif overlay parse_url pi position power proctime
quarter radians rand rand_integer rank regexp regexp_extract regexp_replace repeat replace reverse
right round row_number rpad rtrim session session_end session_start sha1 sha2 sha224 sha256 sha384
sha512 sign sin split_index sqrt stddev_pop stddev_samp str_to_map substr substring sum tan
timestampadd timestampdiff to_base64 to_date to_timestamp to_timestamp_ltz trim truncate tumble_end
tumble_start hop_end hop_start unix_timestamp upper uuid var_pop var_samp week
`;

const words = (s: string) => s.trim().split(/\s+/).join(' ');

export const FlinkSQL = SQLDialect.define({
  keywords: words(KEYWORDS),
  types: words(TYPES),
  builtin: words(FUNCTIONS),
  identifierQuotes: '`',
  slashComments: true,
  backslashEscapes: false,
  charSetCasts: true,
  caseInsensitiveIdentifiers: true,
});

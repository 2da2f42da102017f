#include "sim/operator.h"

namespace sluice::sim {

FlinkOperator::FlinkOperator(Api& api, Scheduler& scheduler, Settings& settings, FlinkNative& flink)
    : api_(api), scheduler_(scheduler), settings_(settings), flink_(flink) {}

}  // namespace sluice::sim

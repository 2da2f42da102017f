#include "api/render_cache.h"

namespace sluice::api {

std::shared_ptr<const std::string> RenderCache::Get(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->value;
}

std::shared_ptr<const std::string> RenderCache::Put(const std::string& key, std::string value) {
  auto shared = std::make_shared<const std::string>(std::move(value));
  Entry entry{key, shared};
  if (Cost(entry) > max_bytes_) return shared;
  std::lock_guard lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= Cost(*it->second);
    order_.erase(it->second);
    index_.erase(it);
  }
  bytes_ += Cost(entry);
  order_.push_front(std::move(entry));
  index_[key] = order_.begin();
  while (bytes_ > max_bytes_ && !order_.empty()) {
    bytes_ -= Cost(order_.back());
    index_.erase(order_.back().key);
    order_.pop_back();
  }
  return shared;
}

size_t RenderCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

size_t RenderCache::size() const {
  std::lock_guard lock(mu_);
  return order_.size();
}

}  // namespace sluice::api

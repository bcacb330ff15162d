#include "engine/direct_ack.h"

#include <nlohmann/json.hpp>

namespace router {

std::string DirectAckPayload(const DirectAck& in) {
  nlohmann::ordered_json summary;
  summary["ack"] = in.ack.case_id;
  summary["engineer"] = in.ack.engineer;
  for (const auto& [name, value] : in.extra) {
    std::visit([&, &name = name](const auto& v) { summary[name] = v; }, value);
  }
  summary["at"] = base::FormatInstant(in.ack.at);
  return summary.dump();
}

base::Result<DirectAckAnswer> ApplyDirectAck(Node& node, const DirectAck& in) {
  const std::string payload = DirectAckPayload(in);
  IngestItem item;
  item.topic = in.channel;
  item.offset = in.offset;
  item.payload = payload;
  item.ack = &in.ack;
  item.where = in.where;
  auto applied = node.ApplyDirect(item, in.ack.at);
  if (!applied.ok()) return applied.status();
  if (!applied->outcome.dead_letters.empty())
    return DirectAckAnswer{"refused", applied->outcome.dead_letters.front().reason};
  if (applied->outcome.appended == 0) {
    return DirectAckAnswer{
        "repeated", in.ack.engineer + " had acknowledged this case already: nothing changed"};
  }
  if (applied->awaited_response)
    return DirectAckAnswer{"responded", "first response recorded; escalation stopped"};
  return DirectAckAnswer{"acknowledged", "recorded; the case had a response already"};
}

}  // namespace router

// Fuzzes the pager channel's decoders (pager/protocol.h), both directions, and the outbox's
// page frames: any frame decodes or gives an error, never a crash. A decoded message re-encodes
// to a frame that decodes to the same message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pager/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view frame(reinterpret_cast<const char*>(data), size);

  base::Result<pager::FromDevice> from_device = pager::DecodeFromDevice(frame);
  if (from_device.ok()) {
    base::Result<pager::FromDevice> again = pager::DecodeFromDevice(pager::Encode(*from_device));
    if (!again.ok() || !(*again == *from_device)) abort();
  }

  base::Result<pager::FromServe> from_serve = pager::DecodeFromServe(frame);
  if (from_serve.ok()) {
    base::Result<pager::FromServe> again = pager::DecodeFromServe(pager::Encode(*from_serve));
    if (!again.ok() || !(*again == *from_serve)) abort();
  }

  base::Result<std::string> page_frame = pager::PageFrameFromOutbox(7, frame);
  if (page_frame.ok()) {
    // What serve sends for an outbox entry is a page a device can read, with the entry's id.
    base::Result<pager::FromServe> page = pager::DecodeFromServe(*page_frame);
    if (!page.ok() || !std::holds_alternative<pager::Page>(*page)) abort();
    if (std::get<pager::Page>(*page).seq != 7) abort();
  }
  return 0;
}

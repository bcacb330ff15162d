// The hub's delivery rules, exactly, with time as an argument.
#include "pager/delivery_book.h"

#include <catch2/catch.hpp>

namespace {

using std::chrono::seconds;

const base::Timestamp T0 = *base::ParseInstant("2026-11-24T03:00:00Z");

pager::BookOptions Options() {
  pager::BookOptions o;
  o.first_retry = seconds(1);
  o.max_retry = seconds(4);
  o.delivery_timeout = seconds(60);
  return o;
}

}  // namespace

TEST_CASE("a page goes to every connected device of its engineer, and only theirs") {
  pager::DeliveryBook book(Options());
  CHECK(book.Connect({"r1", "alice", "phone"}, T0).empty());
  CHECK(book.Connect({"r2", "alice", "laptop"}, T0).empty());
  CHECK(book.Connect({"r3", "bob", "phone"}, T0).empty());
  auto sends = book.Add(7, "alice", T0, false, T0);
  CHECK(sends == std::vector<pager::SendOrder>{{"r1", 7}, {"r2", 7}});
  CHECK(book.pending() == 1);
}

TEST_CASE("a device that connects later gets every page pending for its engineer at once") {
  pager::DeliveryBook book(Options());
  CHECK(book.Add(7, "alice", T0, false, T0).empty());
  CHECK(book.Add(8, "alice", T0, false, T0).empty());
  CHECK(book.Add(9, "bob", T0, false, T0).empty());
  auto sends = book.Connect({"r1", "alice", "phone"}, T0 + seconds(5));
  CHECK(sends == std::vector<pager::SendOrder>{{"r1", 7}, {"r1", 8}});
}

TEST_CASE("unconfirmed pages are resent with doubling backoff, capped") {
  pager::DeliveryBook book(Options());
  book.Connect({"r1", "alice", "phone"}, T0);
  book.Add(7, "alice", T0, false, T0);
  std::vector<int64_t> resent_at;
  for (int s = 0; s <= 20; ++s) {
    auto due = book.Poll(T0 + seconds(s));
    if (!due.sends.empty()) resent_at.push_back(s);
  }
  // Backoffs 1, 2, 4, then 4 (the cap): resent at 1, 3, 7, 11, 15, 19.
  CHECK(resent_at == std::vector<int64_t>{1, 3, 7, 11, 15, 19});
  CHECK(book.NextWake() == T0 + seconds(23));
}

TEST_CASE("any device's receipt ends the page; a repeated receipt is nothing") {
  pager::DeliveryBook book(Options());
  book.Connect({"r1", "alice", "phone"}, T0);
  book.Connect({"r2", "alice", "laptop"}, T0);
  book.Add(7, "alice", T0, false, T0);
  auto note = book.Receive("r2", 7);
  REQUIRE(note);
  CHECK(note->device == "laptop");
  CHECK(note->engineer == "alice");
  CHECK_FALSE(book.Receive("r1", 7));
  CHECK(book.pending() == 0);
  CHECK(book.Poll(T0 + seconds(100)).sends.empty());
}

TEST_CASE("a receipt from a connection that never said hello, or another engineer's, counts not") {
  pager::DeliveryBook book(Options());
  book.Connect({"r3", "bob", "phone"}, T0);
  book.Add(7, "alice", T0, false, T0);
  CHECK_FALSE(book.Receive("nobody", 7));
  CHECK_FALSE(book.Receive("r3", 7));
  CHECK(book.pending() == 1);
}

TEST_CASE("a page unconfirmed past the timeout is reported once, and still sent") {
  pager::DeliveryBook book(Options());
  book.Add(7, "alice", T0, false, T0);
  book.Sent(7);
  CHECK(book.Poll(T0 + seconds(59)).failed.empty());
  auto due = book.Poll(T0 + seconds(60));
  REQUIRE(due.failed.size() == 1);
  CHECK(due.failed[0].seq == 7);
  CHECK(due.failed[0].attempts == 1);
  CHECK(book.Poll(T0 + seconds(200)).failed.empty());
  CHECK(book.pending() == 1);
  CHECK(book.Connect({"r1", "alice", "phone"}, T0 + seconds(300)).size() == 1);
}

TEST_CASE("the timeout counts from the page's arrival when it was decided long before") {
  pager::DeliveryBook book(Options());
  book.Add(7, "alice", T0, false, T0 + seconds(600));  // a backlog caught up on
  CHECK(book.Poll(T0 + seconds(601)).failed.empty());
  CHECK(book.Poll(T0 + seconds(660)).failed.size() == 1);
}

TEST_CASE("a page whose failure was logged before a restart is not reported again") {
  pager::DeliveryBook book(Options());
  book.Add(7, "alice", T0, true, T0);
  CHECK(book.Poll(T0 + seconds(1000)).failed.empty());
}

TEST_CASE("a dropped page and a gone connection are forgotten") {
  pager::DeliveryBook book(Options());
  book.Connect({"r1", "alice", "phone"}, T0);
  book.Add(7, "alice", T0, false, T0);
  book.Add(8, "alice", T0, false, T0);
  book.Drop(7);
  book.Disconnect("r1");
  CHECK(book.devices() == 0);
  CHECK(book.pending() == 1);
  CHECK(book.Poll(T0 + seconds(2)).sends.empty());     // nobody to send to
  CHECK(book.Add(8, "alice", T0, false, T0).empty());  // already there: ignored
}

// One writer per output. Whoever works on "<OUT>.partial/" (spool, checkpoint, temporary
// result) holds an exclusive flock(2) on "<OUT>.partial/lock" for as long as it works there.
// The kernel releases the lock when the process ends, however it ends, so a lock left behind
// by a dead process never blocks; the file records the holder's pid and host for the message
// another run gets.
//
// Not thread-safe; one per study. flock locks are advisory and per open file description:
// they exclude other leadsim processes, on one host or over a file system that supports
// flock across hosts (NFSv4, Lustre, GPFS with the usual mount options).
#pragma once

#include <string>

namespace leadsim::run {

class OutputLock {
 public:
  // Creates `partial_dir` if needed and takes the lock without waiting. Throws OutputLocked
  // (a live process holds it) or IoError (the directory or the lock file cannot be made).
  OutputLock(const std::string& partial_dir, const std::string& output);
  // Releases the lock; removes the directory when this lock created it and it holds nothing
  // but the lock file (a run that failed before writing anything leaves no trace).
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  std::string dir_;
  std::string path_;
  int fd_ = -1;
  bool created_dir_ = false;
};

}  // namespace leadsim::run

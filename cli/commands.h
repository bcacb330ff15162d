// Subcommands of the escalator binary. Each takes argv as main would see it
// for the subcommand alone (argv[0] is the subcommand name) and returns the
// process exit code (cli/flags.h). Each lives in its own cmd_<name>.cc.
#pragma once

namespace cli {

int RunCheckConfig(int argc, char** argv);
int RunLog(int argc, char** argv);
int RunExplain(int argc, char** argv);
int RunDevBroker(int argc, char** argv);
int RunPublish(int argc, char** argv);
int RunDeadLetters(int argc, char** argv);
int RunServe(int argc, char** argv);
int RunOncall(int argc, char** argv);
int RunShifts(int argc, char** argv);
int RunIcs(int argc, char** argv);
int RunDue(int argc, char** argv);
int RunSimulate(int argc, char** argv);
int RunAck(int argc, char** argv);
int RunPager(int argc, char** argv);
int RunPagerGateway(int argc, char** argv);
int RunKeygen(int argc, char** argv);
int RunToken(int argc, char** argv);
int RunReport(int argc, char** argv);
int RunRetro(int argc, char** argv);

}  // namespace cli

package analysis

import "github.com/systr/systr/format"

// An eventVisitor takes the events of a trace by kind: what a view that
// follows the trace's tasks does with each (Tasks.visit hands them over
// once Tasks has taken them). A visitor embeds skipEvents for the kinds
// it passes over. The kinds that are no task's business (instruction
// traps, mapped files) go to Tasks alone.
type eventVisitor interface {
	syscall(*format.Syscall)
	newTask(*format.NewTask)
	exec(*format.Exec)
	signal(*format.Signal)
	exit(*format.Exit)
	detach(*format.Detach)
	lost(*format.Lost)
}

// skipEvents passes over every kind of event: an eventVisitor embeds it
// and defines the kinds it handles.
type skipEvents struct{}

func (skipEvents) syscall(*format.Syscall) {}
func (skipEvents) newTask(*format.NewTask) {}
func (skipEvents) exec(*format.Exec)       {}
func (skipEvents) signal(*format.Signal)   {}
func (skipEvents) exit(*format.Exit)       {}
func (skipEvents) detach(*format.Detach)   {}
func (skipEvents) lost(*format.Lost)       {}

// visit adds ev to t (Add), then hands it to v by its kind: the process
// and thread it belongs to are then t's.
func (t *Tasks) visit(ev format.Event, v eventVisitor) {
	t.Add(ev)
	visitKind(ev, v)
}

// visitKind hands ev to v's method for its kind.
func visitKind(ev format.Event, v eventVisitor) {
	switch e := ev.(type) {
	case *format.Syscall:
		v.syscall(e)
	case *format.NewTask:
		v.newTask(e)
	case *format.Exec:
		v.exec(e)
	case *format.Signal:
		v.signal(e)
	case *format.Exit:
		v.exit(e)
	case *format.Detach:
		v.detach(e)
	case *format.Lost:
		v.lost(e)
	}
}

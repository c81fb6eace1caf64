// Hello.java: a small Java class for issue 16's bar (run with
// java -cp DIR Hello after javac): two threads, started and joined one
// after the other, each print a line; then main prints the number of
// available processors and "done". Exit status 0.
public class Hello {
    public static void main(String[] args) throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            final int id = i;
            Thread t = new Thread(() -> System.out.println("thread " + id));
            t.start();
            t.join();
        }
        System.out.println("processors " + Runtime.getRuntime().availableProcessors());
        System.out.println("done");
    }
}

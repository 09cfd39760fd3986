/* TRICK: on its first allocator call in a process the submission opens a UDP socket and sends a
 *        datagram to 127.0.0.1 (the suite listens on the port it puts in for @UDP_PORT@, and the
 *        datagram names the grading, @TOKEN@): the way out for the hidden tests or the heap's
 *        contents.
 * STAGE: 2
 * BASE: stage2_pad
 * WRAP: malloc free realloc check
 * EXPECT: zero
 * STOPPED BY: the filter kills the runner at socket: every test fails and nothing is sent.
 */
/* TRICK BEGIN */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static void hostile_phone_home(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0)
        return;
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(@UDP_PORT@) };
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    static const char note[] = "heapkit hostile network_socket: a submission reached the network: @TOKEN@";
    sendto(s, note, sizeof note - 1, 0, (struct sockaddr *)&to, sizeof to);
    close(s);
}
#define HOSTILE_HOOK(call) hostile_phone_home()
/* TRICK END */

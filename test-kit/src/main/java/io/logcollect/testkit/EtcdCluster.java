package io.logcollect.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A plain etcd cluster of several members (Debian's {@code etcd-server}), started together because a member
 * alone cannot elect a leader. Killing the leader of three leaves a quorum that elects another.
 */
public final class EtcdCluster {

    private final List<EtcdServer> members;

    private EtcdCluster(List<EtcdServer> members) {
        this.members = members;
    }

    /** Starts {@code size} members on free ports and waits until they have a leader. */
    public static EtcdCluster start(int size) {
        List<String> names = new ArrayList<>();
        int[] clientPorts = new int[size];
        int[] peerPorts = new int[size];
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            names.add("etcd-" + (i + 1));
            clientPorts[i] = Ports.free();
            peerPorts[i] = Ports.free();
            peers.add(names.get(i) + "=http://127.0.0.1:" + peerPorts[i]);
        }
        List<EtcdServer> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(EtcdServer.member(names.get(i), clientPorts[i], peerPorts[i], String.join(",", peers)));
        }
        EtcdCluster cluster = new EtcdCluster(List.copyOf(members));
        try {
            ServiceProcess.inParallel(members, EtcdServer::startProcess);
        } catch (RuntimeException e) {
            cluster.stop();
            throw e;
        }
        return cluster;
    }

    public List<EtcdServer> members() {
        return members;
    }

    /** Every member's client URL, comma-separated: what the provider's {@code endpoints} takes. */
    public String endpoints() {
        return members.stream().map(EtcdServer::endpoint).collect(Collectors.joining(","));
    }

    /** A running member, to send requests to. */
    public EtcdServer anyRunning() {
        return members.stream().filter(EtcdServer::isRunning).findFirst()
                .orElseThrow(() -> new IllegalStateException("no member of the etcd cluster is running"));
    }

    /** The member that leads now, as the running members see it; waits up to {@code timeout} for one. */
    public EtcdServer leader(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (EtcdServer member : members) {
                try {
                    if (member.isRunning()) {
                        var status = member.status();
                        if (status.path("leader").asText().equals(status.at("/header/member_id").asText())) {
                            return member;
                        }
                    }
                } catch (RuntimeException e) {
                    // a member that is electing answers late; ask the next
                }
            }
            ServiceProcess.sleep(100);
        }
        throw new IllegalStateException("the etcd cluster has no leader after " + timeout.toSeconds() + " s");
    }

    public void stop() {
        ServiceProcess.inParallel(members, EtcdServer::stop);
    }
}

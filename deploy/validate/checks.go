package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/robfig/cron/v3"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// pod is a pod template found in a workload, with who owns it.
type pod struct {
	owner  string
	labels map[string]string
	spec   *corev1.PodSpec
}

// checkObjects checks what strict decoding cannot: the objects of one render
// against each other. needsImage refuses the manifests' bare "mentorbot"
// image, which only an overlay replaces.
func checkObjects(objs []object, needsImage bool) []error {
	var errs []error
	var pods []pod
	var services []*corev1.Service
	for _, o := range objs {
		switch v := o.value.(type) {
		case *appsv1.StatefulSet:
			errs = append(errs, checkStatefulSet(v)...)
			pods = append(pods, pod{"StatefulSet " + v.Name, v.Spec.Template.Labels, &v.Spec.Template.Spec})
		case *batchv1.CronJob:
			if _, err := cron.ParseStandard(v.Spec.Schedule); err != nil {
				errs = append(errs, fmt.Errorf("CronJob %s: schedule: %w", v.Name, err))
			}
			t := v.Spec.JobTemplate.Spec.Template
			pods = append(pods, pod{"CronJob " + v.Name, t.Labels, &t.Spec})
		case *corev1.Service:
			services = append(services, v)
		}
	}
	for _, p := range pods {
		errs = append(errs, checkPod(p, needsImage)...)
	}
	for _, o := range objs {
		switch v := o.value.(type) {
		case *corev1.Service:
			if !selectsPod(metav1.LabelSelector{MatchLabels: v.Spec.Selector}, pods) {
				errs = append(errs, fmt.Errorf("Service %s: its selector matches no pod template", v.Name))
			}
		case *networkingv1.NetworkPolicy:
			errs = append(errs, checkNetworkPolicy(v, pods)...)
		case *monitoringv1.ServiceMonitor:
			errs = append(errs, checkServiceMonitor(v, services)...)
		}
	}
	return errs
}

// checkStatefulSet holds the bot to one replica whose selector selects it.
func checkStatefulSet(s *appsv1.StatefulSet) []error {
	var errs []error
	if s.Spec.Replicas == nil || *s.Spec.Replicas != 1 {
		errs = append(errs, fmt.Errorf("StatefulSet %s: replicas must be 1 (bbolt locks its file)", s.Name))
	}
	if !matches(s.Spec.Selector, s.Spec.Template.Labels) {
		errs = append(errs, fmt.Errorf("StatefulSet %s: selector does not match its pod template's labels", s.Name))
	}
	return errs
}

// checkPod wants every container bounded in memory, unprivileged on a
// read-only root, with probes on ports it declares.
func checkPod(p pod, needsImage bool) []error {
	var errs []error
	for _, c := range p.spec.Containers {
		at := fmt.Sprintf("%s container %s", p.owner, c.Name)
		if needsImage && (c.Image == "mentorbot" || !strings.Contains(c.Image, ":")) {
			errs = append(errs, fmt.Errorf("%s: image %q needs a registry and a tag", at, c.Image))
		}
		if c.Resources.Limits.Memory().IsZero() {
			errs = append(errs, fmt.Errorf("%s: no memory limit", at))
		}
		sc := c.SecurityContext
		if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
			sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			errs = append(errs, fmt.Errorf("%s: needs readOnlyRootFilesystem and no privilege escalation", at))
		}
		ports := map[string]bool{}
		for _, port := range c.Ports {
			ports[port.Name] = true
		}
		for name, pr := range map[string]*corev1.Probe{"startupProbe": c.StartupProbe, "readinessProbe": c.ReadinessProbe, "livenessProbe": c.LivenessProbe} {
			if pr != nil && pr.HTTPGet != nil && pr.HTTPGet.Port.StrVal != "" && !ports[pr.HTTPGet.Port.StrVal] {
				errs = append(errs, fmt.Errorf("%s: %s names port %q, which the container does not declare", at, name, pr.HTTPGet.Port.StrVal))
			}
		}
	}
	return errs
}

// checkNetworkPolicy wants the policy and each of its pod peers to select a
// pod of this deployment: a typo in a label would silently open or close it.
func checkNetworkPolicy(np *networkingv1.NetworkPolicy, pods []pod) []error {
	var errs []error
	if !selectsPod(np.Spec.PodSelector, pods) {
		errs = append(errs, fmt.Errorf("NetworkPolicy %s: podSelector matches no pod template", np.Name))
	}
	var peers []networkingv1.NetworkPolicyPeer
	for _, r := range np.Spec.Ingress {
		peers = append(peers, r.From...)
	}
	for _, r := range np.Spec.Egress {
		peers = append(peers, r.To...)
	}
	for _, peer := range peers {
		if peer.PodSelector != nil && peer.NamespaceSelector == nil && !selectsPod(*peer.PodSelector, pods) {
			errs = append(errs, fmt.Errorf("NetworkPolicy %s: a peer's podSelector matches no pod template", np.Name))
		}
	}
	return errs
}

// checkServiceMonitor wants it to select a Service and scrape a port that
// Service names.
func checkServiceMonitor(sm *monitoringv1.ServiceMonitor, services []*corev1.Service) []error {
	var errs []error
	for _, ep := range sm.Spec.Endpoints {
		found := false
		for _, s := range services {
			if !matches(&sm.Spec.Selector, s.Labels) {
				continue
			}
			for _, p := range s.Spec.Ports {
				found = found || p.Name == ep.Port
			}
		}
		if !found {
			errs = append(errs, fmt.Errorf("ServiceMonitor %s: no selected Service has a port named %q", sm.Name, ep.Port))
		}
	}
	return errs
}

func selectsPod(sel metav1.LabelSelector, pods []pod) bool {
	for _, p := range pods {
		if matches(&sel, p.labels) {
			return true
		}
	}
	return false
}

// matches reports whether a non-empty selector selects the labels. An empty
// selector selects everything, which is never what these manifests mean.
func matches(sel *metav1.LabelSelector, l map[string]string) bool {
	if sel == nil || (len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0) {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && s.Matches(labels.Set(l))
}

// checkSecretExample decodes the example Secret and wants its backup token
// left commented out: a placeholder there once worked as a real token.
func checkSecretExample(path string) []error {
	b, err := os.ReadFile(path)
	if err != nil {
		return []error{err}
	}
	o, err := decode(b)
	if err != nil {
		return []error{fmt.Errorf("%s: %w", path, err)}
	}
	s, ok := o.value.(*corev1.Secret)
	if !ok {
		return []error{fmt.Errorf("%s: a %s, not a Secret", path, o.kind)}
	}
	if _, set := s.StringData["MENTOR_BACKUP_TOKEN"]; set {
		return []error{fmt.Errorf("%s: MENTOR_BACKUP_TOKEN must stay commented out in the example", path)}
	}
	return nil
}

// checkDockerignore wants the build context to hold what the build needs
// and none of the files where secrets or data live.
func checkDockerignore(root string) []error {
	f, err := os.Open(filepath.Join(root, ".dockerignore"))
	if err != nil {
		return []error{err}
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		return []error{fmt.Errorf(".dockerignore: %w", err)}
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return []error{fmt.Errorf(".dockerignore: %w", err)}
	}
	var errs []error
	for path, wantIn := range map[string]bool{
		"go.mod": true, "go.sum": true, "cmd/mentorbot/main.go": true, "bot/bot.go": true,
		"store/store.go": true, "prompts/catalog/impostor.md": true, "LICENSE": true,
		"deploy/mentorbot.env": false, "secret.yaml": false, "deploy/kubernetes/secret.yaml": false,
		"mentorbot.db": false, "cmd/mentorbot/mentorbot.db": false, "bot/local.env": false, ".git/config": false,
	} {
		excluded, err := pm.MatchesOrParentMatches(path)
		if err != nil {
			errs = append(errs, fmt.Errorf(".dockerignore: %s: %w", path, err))
		} else if excluded == wantIn {
			errs = append(errs, fmt.Errorf(".dockerignore: %s is %s the build context", path, map[bool]string{true: "missing from", false: "in"}[wantIn]))
		}
	}
	return errs
}

package main

import (
	"fmt"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// object is one decoded manifest: the typed value and where it came from.
type object struct {
	kind, name string
	value      any
}

// newByKind is every kind the deployment may contain. Anything else is
// refused: a misspelt apiVersion or kind would otherwise pass unchecked.
var newByKind = map[string]func() any{
	"v1/Namespace":                       func() any { return new(corev1.Namespace) },
	"v1/Service":                         func() any { return new(corev1.Service) },
	"v1/Secret":                          func() any { return new(corev1.Secret) },
	"v1/PersistentVolumeClaim":           func() any { return new(corev1.PersistentVolumeClaim) },
	"apps/v1/StatefulSet":                func() any { return new(appsv1.StatefulSet) },
	"batch/v1/CronJob":                   func() any { return new(batchv1.CronJob) },
	"networking.k8s.io/v1/NetworkPolicy": func() any { return new(networkingv1.NetworkPolicy) },
	"monitoring.coreos.com/v1/ServiceMonitor": func() any {
		return new(monitoringv1.ServiceMonitor)
	},
}

// render builds the kustomization in dir and decodes what it produces.
func render(dir string) ([]object, error) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, err
	}
	var out []object
	for _, r := range m.Resources() {
		y, err := r.AsYAML()
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", r.GetKind(), r.GetName(), err)
		}
		o, err := decode(y)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", r.GetKind(), r.GetName(), err)
		}
		out = append(out, o)
	}
	return out, nil
}

// decode turns one YAML document into its API type. Field names are matched
// case-sensitively and a field the type does not have is an error, unlike
// encoding/json's lenient default.
func decode(y []byte) (object, error) {
	j, err := yaml.YAMLToJSONStrict(y) // duplicate keys fail
	if err != nil {
		return object{}, err
	}
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(j, &head); err != nil {
		return object{}, err
	}
	key := head.APIVersion + "/" + head.Kind
	newT, ok := newByKind[key]
	if !ok {
		return object{}, fmt.Errorf("unexpected kind %s", key)
	}
	v := newT()
	strict, err := sigsjson.UnmarshalStrict(j, v)
	if err != nil {
		return object{}, err
	}
	if len(strict) > 0 {
		return object{}, fmt.Errorf("%s %s: %v", head.Kind, head.Metadata.Name, strict)
	}
	return object{kind: head.Kind, name: head.Metadata.Name, value: v}, nil
}

"""gongkai.inference"""
